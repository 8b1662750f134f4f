import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { MAX_DROPPED_PATHS } from '../../../contract/desktop';
import { IPC_CHANNELS, MAIN_TO_RENDERER_CHANNELS } from '../../../contract/ipcChannels';
import { ok } from '../../../contract/result';
import type { Dispatcher } from '../../../core/api/dispatcher';
import { DESKTOP_INVOKE_CHANNELS, registerDesktopIpc } from '../../../main/desktopIpc';
import type { DesktopServices } from '../../../main/desktopServices';
import { registerIpc } from '../../../main/ipc';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

function setup() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, payload: unknown) => Promise<unknown>>();
  const ipcMain = {
    handle: (channel: string, handler: (event: IpcMainInvokeEvent, payload: unknown) => Promise<unknown>) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  };
  const services = {
    openCampaignDialog: vi.fn(async () => ok(null)),
    openRecentCampaign: vi.fn(async (path: string) => ok({ path, name: 'x.yaml', text: '' })),
    openCampaignPath: vi.fn(),
    listRecentCampaigns: vi.fn(() => ok([])),
    saveFile: vi.fn(async () => ok(null)),
    importResultsDialog: vi.fn(async () => ok(null)),
    importPaths: vi.fn(async () => ok({ added: 0, duplicates: 0, ignored: 0, rejected: [] })),
  } satisfies DesktopServices;
  const appSender = {};
  const owner = { id: 'owner-window' };
  const isAppSender = (e: IpcMainInvokeEvent) => e.sender === appSender;
  const unregister = registerDesktopIpc(ipcMain, services, isAppSender, () => owner as never);
  const invoke = (channel: string, payload: unknown, sender: unknown = appSender) => handlers.get(channel)!({ sender } as IpcMainInvokeEvent, payload);
  return { handlers, ipcMain, services, invoke, owner, unregister, isAppSender };
}

type Answer = { ok: boolean; error?: { code: string; message: string } };

describe('desktop IPC', () => {
  it('together with the API channels, main handles every invoke channel of the contract and nothing else', () => {
    const { handlers, ipcMain, isAppSender } = setup();
    registerIpc(ipcMain, {} as Dispatcher, isAppSender);
    const expected = Object.values(IPC_CHANNELS).filter((c) => !MAIN_TO_RENDERER_CHANNELS.includes(c));
    expect([...handlers.keys()].sort()).toEqual(expected.sort());
  });

  it('refuses senders that are not app windows on every desktop channel', async () => {
    const { invoke, services } = setup();
    for (const channel of DESKTOP_INVOKE_CHANNELS) {
      expect(await invoke(channel, {}, { stranger: true }), channel).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    }
    for (const fn of Object.values(services)) expect(fn).not.toHaveBeenCalled();
  });

  it('passes valid requests through, with the sender window as the dialog owner', async () => {
    const { invoke, services, owner } = setup();
    await invoke(IPC_CHANNELS.openCampaign, {});
    expect(services.openCampaignDialog).toHaveBeenCalledWith(owner);
    const request = { suggestedName: 'sweep.yaml', kind: 'campaign', text: 'model: gpt2\n' };
    await invoke(IPC_CHANNELS.saveFile, request);
    expect(services.saveFile).toHaveBeenCalledWith(owner, request);
    await invoke(IPC_CHANNELS.importResultsDialog, { folders: true });
    expect(services.importResultsDialog).toHaveBeenCalledWith(owner, { folders: true });
    await invoke(IPC_CHANNELS.importDroppedPaths, { paths: ['/a/r.json', '/a/r.json', 'C:\\data\\r2.json'] });
    expect(services.importPaths).toHaveBeenCalledWith(['/a/r.json', 'C:\\data\\r2.json']);
    expect(await invoke(IPC_CHANNELS.openRecentCampaign, { path: '/home/u/s.yaml' })).toMatchObject({ ok: true });
  });

  it('rejects invalid payloads with a clear error, before any service runs', async () => {
    const { invoke, services } = setup();
    const cases: [string, unknown, RegExp][] = [
      [IPC_CHANNELS.openRecentCampaign, { path: 'relative/s.yaml' }, /path: path is not absolute/],
      [IPC_CHANNELS.openRecentCampaign, { path: '/a\0b.yaml' }, /NUL/],
      [IPC_CHANNELS.openRecentCampaign, {}, /path/],
      [IPC_CHANNELS.saveFile, { suggestedName: '../../.bashrc', kind: 'campaign', text: '' }, /suggestedName/],
      [IPC_CHANNELS.saveFile, { suggestedName: 'a.sh', kind: 'shell', text: '' }, /kind/],
      [IPC_CHANNELS.saveFile, { suggestedName: 'a.yaml', kind: 'yaml', text: '', path: '/etc/passwd' }, /path|Unrecognized/i],
      [IPC_CHANNELS.importDroppedPaths, { paths: [] }, /nothing dropped/],
      [IPC_CHANNELS.importDroppedPaths, { paths: Array.from({ length: MAX_DROPPED_PATHS + 1 }, (_, i) => `/f${i}.json`) }, /paths/],
      [IPC_CHANNELS.importDroppedPaths, { paths: [42] }, /paths\.0/],
      [IPC_CHANNELS.importResultsDialog, { folders: 'yes' }, /folders/],
      [IPC_CHANNELS.openCampaign, { path: '/x.yaml' }, /Unrecognized|path/i],
      [IPC_CHANNELS.listRecentCampaigns, null, /\(root\)|expected object/i],
    ];
    for (const [channel, payload, message] of cases) {
      const answer = (await invoke(channel, payload)) as Answer;
      expect(answer.ok, `${channel} ${JSON.stringify(payload).slice(0, 80)}`).toBe(false);
      expect(answer.error?.code).toBe('invalid_payload');
      expect(answer.error?.message, channel).toMatch(message);
    }
    for (const fn of Object.values(services)) expect(fn).not.toHaveBeenCalled();
  });

  it('unregistering removes every desktop handler', () => {
    const { handlers, unregister } = setup();
    unregister();
    expect(handlers.size).toBe(0);
  });
});
