import path from 'node:path';
import type { App } from 'electron';
import type { RecentCampaign } from '../contract/desktop';
import type { Result } from '../contract/result';
import type { RecentCampaignsPort } from './desktopServices';

export interface RecentCampaigns extends RecentCampaignsPort {
  clear(): void;
  /** Reads the list from the store (at start-up, and after the core restarts). */
  refresh(): Promise<void>;
}

/** The recent list in the store (core/settings/recentCampaigns.ts), reached through the core process. */
export interface RecentCampaignStore {
  list(): Promise<Result<RecentCampaign[]>>;
  add(file: string): Promise<Result<RecentCampaign[]>>;
  remove(file: string): Promise<Result<RecentCampaign[]>>;
  clear(): Promise<Result<RecentCampaign[]>>;
}

/**
 * The app's recent list lives in the store, which the core process owns; the shell keeps the last list it was
 * given (the menu and the "is this on the list" check need it synchronously) and updates it from every answer.
 * The OS's list (macOS dock menu, Windows jump list) is told too. `onChange` rebuilds File > Open Recent.
 */
export function createRecentCampaigns(
  store: RecentCampaignStore,
  os: Pick<App, 'addRecentDocument' | 'clearRecentDocuments'>,
  onChange: (list: RecentCampaign[]) => void,
  log: (message: string) => void = (m) => console.error(m),
): RecentCampaigns {
  let cached: RecentCampaign[] = [];
  const apply = async (op: string, pending: Promise<Result<RecentCampaign[]>>) => {
    const result = await pending;
    if (!result.ok) {
      log(`Recent campaigns: ${op} failed: ${result.error.message}`);
      return;
    }
    cached = result.value;
    onChange(cached);
  };
  return {
    list: () => cached,
    add(file) {
      os.addRecentDocument(file);
      void apply('add', store.add(file));
    },
    remove(file) {
      void apply('remove', store.remove(file));
    },
    clear() {
      os.clearRecentDocuments();
      void apply('clear', store.clear());
    },
    refresh: () => apply('list', store.list()),
  };
}

/**
 * A campaign file named on the command line (`llem-studio study.yaml`, a second launch, "Open with…"):
 * the first YAML argument that exists, made absolute against the launch's working directory. Flags and the
 * executable are skipped; JSON is not guessed at (too many unrelated .json arguments exist).
 */
export function campaignPathFromArgv(argv: readonly string[], cwd: string, isFile: (p: string) => boolean): string | null {
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-') || !/\.ya?ml$/i.test(arg)) continue;
    const absolute = path.resolve(cwd, arg);
    if (isFile(absolute)) return absolute;
  }
  return null;
}
