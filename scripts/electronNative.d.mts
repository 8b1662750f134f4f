export interface ElectronSqliteTarget {
  sqliteVersion: string;
  electronVersion: string;
  platform: string;
  arch: string;
}
export interface CommandResult {
  code: number;
  output: string;
}
export type CommandRunner = (command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) => Promise<CommandResult>;
export interface BuildAttempt {
  name: string;
  command: string;
  args: string[];
}
export const ROOT: string;
export const NATIVE_CACHE_DIR: string;
export const BINDING_FILE: string;
export const STAMP_FILE: string;
export function electronSqliteCacheKey(target: ElectronSqliteTarget): string;
export function readPackageVersion(root: string, name: string): string;
export function electronSqliteBindingPath(target: ElectronSqliteTarget, root?: string): string;
export function runCommand(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CommandResult>;
export function buildAttempts(target: ElectronSqliteTarget, root?: string): BuildAttempt[];
export function prepareElectronSqlite(options?: {
  root?: string;
  electronVersion?: string;
  platform?: string;
  arch?: string;
  run?: CommandRunner;
  attempts?: BuildAttempt[];
  log?: (line: string) => void;
}): Promise<{ status: 'cached' | 'built'; path: string; key: string }>;
