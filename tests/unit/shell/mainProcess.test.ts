import type { MenuItemConstructorOptions } from 'electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../../contract/ipcChannels';
import { WorkerUtilityProcess } from './coreWorker';
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

afterAll(async () => {
  fake.app.emit('will-quit', { preventDefault: vi.fn() });
  await vi.waitFor(() => expect(fake.app.quit).toHaveBeenCalled());
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
    // The list is in the store, in the core process: the menu follows when the core has answered.
    await vi.waitFor(() => expect((menuItem('campaign.recent').submenu as MenuItemConstructorOptions[])[0]).toMatchObject({ label: 'sweep.yaml', sublabel: file }));
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

  it('the core runs in a utility process forked from out/main/coreHost.js, and the window calls reach it over IPC', async () => {
    expect(fake.utilityProcess.fork).toHaveBeenCalledTimes(1);
    expect(fake.utilityProcess.fork.mock.calls[0]![0]).toMatch(/[\\/]coreHost\.js$/);
    const handler = fake.ipcMain.handlers.get(IPC_CHANNELS.call)!;
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    expect(await handler(event, { method: 'campaign.list', params: {} })).toMatchObject({ ok: true, value: [] });
  });

  it('when the core process dies, the window is told (a dialog) and can restart it; the store is intact', async () => {
    const handler = fake.ipcMain.handlers.get(IPC_CHANNELS.call)!;
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    expect(await handler(event, { method: 'campaign.save', params: { name: 'before the crash', yaml: 'model: gpt2\n', profile: 'pypi-0.7.0' } })).toMatchObject({ ok: true });
    fake.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false }); // "Restart the Core"
    WorkerUtilityProcess.forked.at(-1)!.child.kill();
    await vi.waitFor(() => expect(fake.dialog.showMessageBox).toHaveBeenCalled());
    const options = fake.dialog.showMessageBox.mock.calls[0]!.at(-1) as unknown as { type: string; detail: string; buttons: string[] };
    expect(options).toMatchObject({ type: 'error', buttons: ['Restart the Core', 'Quit'] });
    expect(options.detail).toContain('stopped unexpectedly');
    await vi.waitFor(() => expect(window.webContents.reload).toHaveBeenCalled(), { timeout: 10_000 });
    expect(fake.utilityProcess.fork).toHaveBeenCalledTimes(2);
    const listed = (await handler(event, { method: 'campaign.list', params: {} })) as { ok: boolean; value: { name: string }[] };
    expect(listed.value.map((c) => c.name)).toEqual(['before the crash']);
  });
});
