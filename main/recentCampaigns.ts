import path from 'node:path';
import type { App } from 'electron';
import type { RecentCampaign } from '../contract/desktop';
import type { Db } from '../core/store/database';
import { addRecentCampaign, clearRecentCampaigns, listRecentCampaigns, removeRecentCampaign } from '../core/settings/recentCampaigns';
import type { RecentCampaignsPort } from './desktopServices';

export interface RecentCampaigns extends RecentCampaignsPort {
  clear(): void;
}

/**
 * The app's recent list lives in the store (core/settings); the OS's list (macOS dock menu, Windows jump list)
 * is told too. `onChange` rebuilds the File > Open Recent menu.
 */
export function createRecentCampaigns(
  db: Db,
  os: Pick<App, 'addRecentDocument' | 'clearRecentDocuments'>,
  onChange: (list: RecentCampaign[]) => void,
): RecentCampaigns {
  return {
    list: () => listRecentCampaigns(db),
    add(file) {
      const list = addRecentCampaign(db, file);
      os.addRecentDocument(file);
      onChange(list);
    },
    remove(file) {
      onChange(removeRecentCampaign(db, file));
    },
    clear() {
      clearRecentCampaigns(db);
      os.clearRecentDocuments();
      onChange([]);
    },
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
