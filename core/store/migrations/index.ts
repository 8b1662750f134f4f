import { migration001 } from './001_initial';
import type { Migration } from './types';

/** Every migration, in order. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [migration001];
