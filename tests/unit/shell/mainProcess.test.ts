import type { MenuItemConstructorOptions } from 'electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../../contract/ipcChannels';
import { fake, FakeBrowserWindow } from './fakeElectron';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

/** main/index.ts started against the recorded stand-in for `electron`: how the pieces are wired together. */
let dataDir: string;
let window: FakeBrowserWindow;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'llem-shell-main-'));
  vi.stubEnv('LLEM_STUDIO_DATA_DIR', path.join(dataDir, 'data'));
  await import('../../../main/index');
  await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1), { timeout: 10_000 });
  window = FakeBrowserWindow.instances[0]!;
});

afterAll(() => {
  fake.app.emit('will-quit');
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  window.webContents.send.mockClear();
  fake.dialog.showMessageBox.mockClear();
});

function menuItem(id: string): MenuItemConstructorOptions {
  const template = (fake.Menu.current as { template: MenuItemConstructorOptions[] }).template;
  const stack = [...template];
  while (stack.length) {
    const item = stack.shift()!;
    if (item.id === id) return item;
    if (Array.isArray(item.submenu)) stack.push(...item.submenu);
  }
  throw new Error(`no menu item ${id}`);
}
const click = (id: string) => (menuItem(id).click as unknown as () => void)();
const desktopEvents = () => window.webContents.send.mock.calls.filter((c) => c[0] === IPC_CHANNELS.desktopEvent).map((c) => c[1]);

describe('the running shell', () => {
  it('holds the single-instance lock and shows the window when it is ready', () => {
    expect(fake.app.requestSingleInstanceLock).toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalled();
  });

  it('menu commands that belong to the UI arrive as desktop events', () => {
    click('campaign.new');
    click('campaign.save');
    click('results.export');
    expect(desktopEvents()).toEqual([
      { type: 'menu', command: 'campaign.new' },
      { type: 'menu', command: 'campaign.save' },
      { type: 'menu', command: 'results.export' },
    ]);
  });

  it('File > Open shows the dialog, sends the campaign to the UI and adds it to Open Recent', async () => {
    const file = path.join(dataDir, 'sweep.yaml');
    writeFileSync(file, 'model: gpt2\n');
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [file] });
    click('campaign.open');
    await vi.waitFor(() => expect(desktopEvents()).toHaveLength(1));
    expect(desktopEvents()[0]).toEqual({ type: 'campaign.opened', campaign: { path: file, name: 'sweep.yaml', text: 'model: gpt2\n' } });
    expect(fake.app.addRecentDocument).toHaveBeenCalledWith(file);
    const recent = menuItem('campaign.recent').submenu as MenuItemConstructorOptions[];
    expect(recent[0]).toMatchObject({ label: 'sweep.yaml', sublabel: file });
  });

  it('a campaign file that cannot be opened gets a native error message, not silence', async () => {
    const file = path.join(dataDir, 'broken.yaml');
    writeFileSync(file, 'a: [');
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [file] });
    click('campaign.open');
    await vi.waitFor(() => expect(fake.dialog.showMessageBox).toHaveBeenCalled());
    const options = fake.dialog.showMessageBox.mock.calls[0]!.at(-1) as unknown as { type: string; detail: string };
    expect(options.type).toBe('error');
    expect(options.detail).toContain('broken.yaml');
    expect(desktopEvents()).toEqual([]);
  });

  it('a second launch with a campaign file focuses this window and opens the file', async () => {
    const file = path.join(dataDir, 'second.yaml');
    writeFileSync(file, 'model: gpt2\n');
    fake.app.emit('second-instance', {}, ['/opt/llem-studio', 'second.yaml'], dataDir);
    expect(window.focus).toHaveBeenCalled();
    await vi.waitFor(() => expect(desktopEvents()).toEqual([expect.objectContaining({ type: 'campaign.opened', campaign: expect.objectContaining({ path: file }) })]));
  });

  it('quitting with no campaign running is not held up', () => {
    const event = { preventDefault: vi.fn() };
    fake.app.emit('before-quit', event);
    expect(event.preventDefault).not.toHaveBeenCalled();
    const close = { preventDefault: vi.fn() };
    window.emit('close', close);
    expect(close.preventDefault).not.toHaveBeenCalled();
  });

  it('Help links open in the OS browser (allow-listed)', () => {
    fake.shell.openExternal.mockClear();
    click('help.docs');
    expect(fake.shell.openExternal).toHaveBeenCalledWith(expect.stringMatching(/^https:\/\/github\.com\//));
  });
});
