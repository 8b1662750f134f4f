import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LlemBridge } from '../../../contract/bridge';
import type { DesktopEvent } from '../../../contract/desktop';
import { IPC_CHANNELS } from '../../../contract/ipcChannels';
import { fake } from './fakeElectron';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

let bridge: LlemBridge;

beforeAll(async () => {
  await import('../../../preload/index');
  bridge = fake.contextBridge.exposeInMainWorld.mock.calls[0]![1] as unknown as LlemBridge;
});

beforeEach(() => {
  fake.ipcRenderer.invoke.mockClear();
  fake.webUtils.getPathForFile.mockReset();
});

const channelsUsed = () => fake.ipcRenderer.invoke.mock.calls.map((c) => (c as unknown[])[0]);

describe('preload bridge', () => {
  it('exposes exactly window.llem', () => {
    expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(fake.contextBridge.exposeInMainWorld.mock.calls[0]![0]).toBe('llem');
  });

  it('every function invokes a channel from the contract list, with a plain payload', async () => {
    const d = bridge.desktop!;
    await bridge.call('app.info', {});
    bridge.subscribe('app.heartbeat', {}, () => undefined)();
    await d.openCampaign();
    await d.openRecentCampaign('/home/u/s.yaml');
    await d.listRecentCampaigns();
    await d.saveFile({ suggestedName: 's.yaml', kind: 'campaign', text: 'x' });
    await d.importResultsDialog();
    await d.importResultsDialog({ folders: true });
    const known = new Set<string>(Object.values(IPC_CHANNELS));
    for (const channel of channelsUsed()) expect(known.has(channel as string), String(channel)).toBe(true);
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_CHANNELS.importResultsDialog, { folders: false });
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_CHANNELS.importResultsDialog, { folders: true });
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_CHANNELS.openRecentCampaign, { path: '/home/u/s.yaml' });
  });

  it('drops: only real File objects with a path reach main, as paths', async () => {
    fake.webUtils.getPathForFile.mockImplementation((file: unknown) => ((file as File).name === 'dropped.json' ? '/home/u/dropped.json' : ''));
    const dropped = new File(['{}'], 'dropped.json');
    const madeUpByThePage = new File(['{}'], 'forged.json');
    await bridge.desktop!.importDroppedFiles([dropped, madeUpByThePage, { path: '/etc/passwd', name: 'x' }, '/etc/shadow']);
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledTimes(1);
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_CHANNELS.importDroppedPaths, { paths: ['/home/u/dropped.json'] });
  });

  it('a drop with nothing importable answers an error without bothering main', async () => {
    const answer = await bridge.desktop!.importDroppedFiles([new File(['x'], 'a.txt')]);
    expect(answer).toMatchObject({ ok: false, error: { code: 'nothing_dropped' } });
    expect(await bridge.desktop!.importDroppedFiles([])).toMatchObject({ ok: false });
    expect(fake.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('desktop events reach every listener until it unsubscribes; malformed ones are dropped', () => {
    const first = vi.fn();
    const second = vi.fn(() => {
      throw new Error('a buggy page listener');
    });
    const offFirst = bridge.desktop!.onEvent(first);
    bridge.desktop!.onEvent(second);
    const event: DesktopEvent = { type: 'menu', command: 'campaign.new' };
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    fake.ipcRenderer.emit(IPC_CHANNELS.desktopEvent, {}, event);
    fake.ipcRenderer.emit(IPC_CHANNELS.desktopEvent, {}, null);
    fake.ipcRenderer.emit(IPC_CHANNELS.desktopEvent, {}, { command: 'no type' });
    expect(first).toHaveBeenCalledTimes(1);
    expect(first).toHaveBeenCalledWith(event);
    expect(second).toHaveBeenCalledTimes(1);
    offFirst();
    fake.ipcRenderer.emit(IPC_CHANNELS.desktopEvent, {}, event);
    expect(first).toHaveBeenCalledTimes(1);
  });

  it('subscription events go to the right stream; a refused subscription ends it with the error', async () => {
    const onEvent = vi.fn();
    const onEnd = vi.fn();
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: null });
    bridge.subscribe('app.heartbeat', {}, onEvent, onEnd);
    const [, payload] = fake.ipcRenderer.invoke.mock.calls.at(-1) as unknown as [string, { id: number }];
    fake.ipcRenderer.emit(IPC_CHANNELS.event, {}, { id: payload.id, data: { beat: 1 } });
    fake.ipcRenderer.emit(IPC_CHANNELS.event, {}, { id: payload.id + 1000, data: { beat: 2 } });
    expect(onEvent).toHaveBeenCalledTimes(1);
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'unknown_subscription', message: 'no' } } as never);
    const refusedEnd = vi.fn();
    bridge.subscribe('nope', {}, vi.fn(), refusedEnd);
    await vi.waitFor(() => expect(refusedEnd).toHaveBeenCalledWith({ code: 'unknown_subscription', message: 'no' }));
  });
});
