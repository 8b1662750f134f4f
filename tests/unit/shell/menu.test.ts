import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate, HELP_LINKS, type MenuActions } from '../../../main/menu';
import { isAllowedExternalUrl } from '../../../main/security';

function actions(): MenuActions & Record<string, ReturnType<typeof vi.fn>> {
  const names = [
    'newCampaign',
    'openCampaign',
    'openRecentCampaign',
    'clearRecentCampaigns',
    'saveCampaign',
    'saveCampaignAs',
    'importResults',
    'importResultsFolder',
    'exportResults',
    'openExternal',
  ];
  return Object.fromEntries(names.map((n) => [n, vi.fn()])) as unknown as MenuActions & Record<string, ReturnType<typeof vi.fn>>;
}

const submenu = (item: MenuItemConstructorOptions | undefined) => (item?.submenu ?? []) as MenuItemConstructorOptions[];
const top = (template: MenuItemConstructorOptions[], label: string) => template.find((m) => m.label?.replace('&', '') === label);
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as unknown as () => void)();

describe('application menu', () => {
  const recent = [
    { path: '/home/u/studies/sweep-a.yaml', openedAt: '2026-01-02T00:00:00.000Z' },
    { path: '/home/u/studies/sweep-b.yaml', openedAt: '2026-01-01T00:00:00.000Z' },
  ];

  it('has File, Edit, View, Window and Help (plus the app menu on macOS)', () => {
    const linux = buildMenuTemplate({ platform: 'linux', appName: 'llem Studio', isDevelopment: false, recent: [], actions: actions() });
    expect(linux.map((m) => m.label?.replace('&', ''))).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    const mac = buildMenuTemplate({ platform: 'darwin', appName: 'llem Studio', isDevelopment: false, recent: [], actions: actions() });
    expect(mac.map((m) => m.label?.replace('&', ''))).toEqual(['llem Studio', 'File', 'Edit', 'View', 'Window', 'Help']);
  });

  it('File has new, open, recent, save, import and export, each wired to its action', () => {
    const a = actions();
    const file = submenu(top(buildMenuTemplate({ platform: 'linux', appName: 'x', isDevelopment: false, recent, actions: a }), 'File'));
    const byId = (id: string) => file.find((i) => i.id === id);
    const wiring: [string, string][] = [
      ['campaign.new', 'newCampaign'],
      ['campaign.open', 'openCampaign'],
      ['campaign.save', 'saveCampaign'],
      ['campaign.saveAs', 'saveCampaignAs'],
      ['results.import', 'importResults'],
      ['results.importFolder', 'importResultsFolder'],
      ['results.export', 'exportResults'],
    ];
    for (const [id, action] of wiring) {
      click(byId(id));
      expect(a[action], id).toHaveBeenCalledTimes(1);
    }
    expect(byId('campaign.new')?.accelerator).toBe('CmdOrCtrl+N');
    expect(byId('campaign.open')?.accelerator).toBe('CmdOrCtrl+O');
    expect(file.some((i) => i.role === 'quit')).toBe(true);
  });

  it('Open Recent lists the recent campaigns newest first and can be cleared', () => {
    const a = actions();
    const file = submenu(top(buildMenuTemplate({ platform: 'linux', appName: 'x', isDevelopment: false, recent, actions: a }), 'File'));
    const items = submenu(file.find((i) => i.id === 'campaign.recent'));
    expect(items.slice(0, 2).map((i) => i.label)).toEqual(['sweep-a.yaml', 'sweep-b.yaml']);
    click(items[1]);
    expect(a.openRecentCampaign).toHaveBeenCalledWith('/home/u/studies/sweep-b.yaml');
    click(items.find((i) => i.label === 'Clear Recent'));
    expect(a.clearRecentCampaigns).toHaveBeenCalled();

    const empty = submenu(
      submenu(top(buildMenuTemplate({ platform: 'linux', appName: 'x', isDevelopment: false, recent: [], actions: a }), 'File')).find(
        (i) => i.id === 'campaign.recent',
      ),
    );
    expect(empty).toEqual([{ label: 'No Recent Campaigns', enabled: false }]);
  });

  it('Edit uses the standard roles (clipboard shortcuts work in text fields)', () => {
    const edit = submenu(top(buildMenuTemplate({ platform: 'win32', appName: 'x', isDevelopment: false, recent: [], actions: actions() }), 'Edit'));
    for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']) expect(edit.some((i) => i.role === role), role).toBe(true);
  });

  it('DevTools only in development builds', () => {
    const roles = (isDevelopment: boolean) =>
      submenu(top(buildMenuTemplate({ platform: 'linux', appName: 'x', isDevelopment, recent: [], actions: actions() }), 'View')).map((i) => i.role);
    expect(roles(true)).toContain('toggleDevTools');
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).toContain('togglefullscreen');
  });

  it('Window and Help have their items; Help links pass the openExternal allowlist', () => {
    const a = actions();
    const template = buildMenuTemplate({ platform: 'linux', appName: 'x', isDevelopment: false, recent: [], actions: a });
    expect(submenu(top(template, 'Window')).map((i) => i.role)).toEqual(['minimize', 'zoom', 'close']);
    const help = submenu(top(template, 'Help'));
    for (const item of help.filter((i) => i.click)) click(item);
    expect((a.openExternal as unknown as ReturnType<typeof vi.fn>).mock.calls.map((c) => c[0])).toEqual(Object.values(HELP_LINKS));
    for (const url of Object.values(HELP_LINKS)) expect(isAllowedExternalUrl(url), url).toBe(true);
    expect(help.some((i) => i.role === 'about')).toBe(true);
  });
});
