export interface Migration {
  /** Strictly increasing; never reuse or edit a number once released. */
  version: number;
  name: string;
  sql: string;
}
