export type ElectronBinaryStatus = { path: string; missing?: undefined; detail?: undefined } | { path?: undefined; missing: string; detail: string };
export function electronBinaryStatus(): ElectronBinaryStatus;
export function electronMissingMessage(detail: string, command?: string): string;
