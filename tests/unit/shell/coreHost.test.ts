import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ok, type Result } from '../../../contract/result';
import { isProcessAlive } from '../../../core/processes/processTree';
import { createCoreClient, type CoreClient } from '../../../main/coreHost/coreClient';
import { forkCoreProcess } from '../../../main/coreHost/coreProcess';
import type { SecretStore } from '../../../core/push/secretStore';
import { WorkerUtilityProcess } from './coreWorker';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

/*
 * The bridge between the shell and the core process, end to end: the real core entry runs in a worker thread
 * standing in for Electron's utility process (coreWorker.ts), reached over a real MessagePort.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
let dir: string;
const clients: CoreClient[] = [];

class MemorySecrets implements SecretStore {
  readonly description = 'memory (test)';
  readonly values = new Map<string, string>();
  async get(key: string): Promise<Result<string | null>> {
    return ok(this.values.get(key) ?? null);
  }
  async set(key: string, value: string): Promise<Result<void>> {
    this.values.set(key, value);
    return ok(undefined);
  }
  async delete(key: string): Promise<Result<void>> {
    this.values.delete(key);
    return ok(undefined);
  }
}

function client(dataDir: string, extra: { nativeBinding?: string | null; onUnexpectedExit?: (m: string) => void } = {}) {
  const made = createCoreClient({
    spawn: () => forkCoreProcess('/app/out/main/coreHost.js'),
    init: { dataDir, nativeBinding: extra.nativeBinding ?? null, secretsDescription: 'memory (test)' },
    secrets: new MemorySecrets(),
    onUnexpectedExit: extra.onUnexpectedExit ?? (() => undefined),
    log: () => undefined,
  });
  clients.push(made);
  return made;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-core-host-'));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the core in its own process, reached over a MessagePort', () => {
  it('starts through utilityProcess.fork with the port, and answers an API call with the same contract', async () => {
    const core = client(path.join(dir, 'call'));
    const started = await core.start();
    expect(started).toMatchObject({ ok: true, value: { sqliteVersion: expect.stringMatching(/^3\.\d+\.\d+$/) } });
    const fork = WorkerUtilityProcess.forked.at(-1)!;
    expect(fork.modulePath).toBe('/app/out/main/coreHost.js');
    expect(fork.options).toMatchObject({ serviceName: 'llem Studio core' });
    const saved = await core.dispatcher.call('campaign.save', { name: 'sweep', yaml: 'model: gpt2\n', profile: 'pypi-0.7.0' });
    expect(saved).toMatchObject({ ok: true, value: { name: 'sweep' } });
    const listed = await core.dispatcher.call('campaign.list', {});
    expect(listed.ok && (listed.value as { name: string }[]).map((c) => c.name)).toEqual(['sweep']);
  });

  it('errors come back as data: an unknown method, bad params, an unknown or malformed subscription', async () => {
    const core = client(path.join(dir, 'errors'));
    await core.start();
    expect(await core.dispatcher.call('no.such.method', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await core.dispatcher.call('campaign.get', { id: '' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(core.dispatcher.subscribe('no.such.topic', {}, () => undefined)).toMatchObject({ ok: false, error: { code: 'unknown_subscription' } });
    expect(core.dispatcher.subscribe('app.heartbeat', { extra: 1 }, () => undefined)).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it('a subscription streams events until it is stopped', async () => {
    const core = client(path.join(dir, 'subscribe'));
    await core.start();
    const events: unknown[] = [];
    const started = core.dispatcher.subscribe('app.heartbeat', {}, (event) => events.push(event));
    if (!started.ok) throw new Error(started.error.message);
    await vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(1), { timeout: 5_000 });
    expect(events[0]).toMatchObject({ at: expect.any(String), uptimeSeconds: expect.any(Number) });
    started.value();
    const count = events.length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(events.length).toBe(count);
  });

  it('loads the native build it is given (nativeBinding), not the one in node_modules', async () => {
    // Under Node the Electron build cannot load, so a copy of the Node build at another path stands in for it.
    const nodeBuild = path.join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    const elsewhere = path.join(dir, 'native');
    mkdirSync(elsewhere, { recursive: true });
    copyFileSync(nodeBuild, path.join(elsewhere, 'better_sqlite3.node'));
    const core = client(path.join(dir, 'binding'), { nativeBinding: path.join(elsewhere, 'better_sqlite3.node') });
    const started = await core.start();
    expect(started.ok && started.value.loadedSqliteBindings).toEqual([path.join(elsewhere, 'better_sqlite3.node')]);
  });

  it('the process dying mid-call: the call and the stream end with an error, the shell is told, and a restart finds every write', async () => {
    const dataDir = path.join(dir, 'crash');
    const onUnexpectedExit = vi.fn();
    const core = client(dataDir, { onUnexpectedExit });
    await core.start();
    expect(await core.dispatcher.call('campaign.save', { name: 'kept', yaml: 'model: gpt2\n', profile: 'pypi-0.7.0' })).toMatchObject({ ok: true });
    const ended = vi.fn();
    const sub = core.dispatcher.subscribe('app.heartbeat', {}, () => undefined, ended);
    expect(sub.ok).toBe(true);

    const inFlight = core.dispatcher.call('campaign.list', {});
    WorkerUtilityProcess.forked.at(-1)!.child.kill();
    const answer = await inFlight;
    expect(answer).toMatchObject({ ok: false, error: { code: 'core_stopped', message: expect.stringContaining('stopped unexpectedly') } });
    await vi.waitFor(() => expect(onUnexpectedExit).toHaveBeenCalledWith(expect.stringContaining('stopped unexpectedly')));
    expect(ended).toHaveBeenCalledWith(expect.objectContaining({ code: 'core_stopped' }));
    expect(core.status).toBe('crashed');
    expect(await core.dispatcher.call('campaign.list', {})).toMatchObject({ ok: false, error: { code: 'core_stopped' } });

    const restarted = await core.restart();
    expect(restarted.ok).toBe(true);
    const listed = await core.dispatcher.call('campaign.list', {});
    expect(listed.ok && (listed.value as { name: string }[]).map((c) => c.name)).toEqual(['kept']);
  });

  it('the recent list and imports run in the core; a clean stop closes the store and is not a crash', async () => {
    const onUnexpectedExit = vi.fn();
    const core = client(path.join(dir, 'desktop'), { onUnexpectedExit });
    await core.start();
    expect(await core.recent.add('/s/a.yaml')).toMatchObject({ ok: true, value: [expect.objectContaining({ path: '/s/a.yaml' })] });
    expect(await core.recent.list()).toMatchObject({ ok: true, value: [expect.objectContaining({ path: '/s/a.yaml' })] });
    const report = await core.importPaths([path.join(dir, 'does-not-exist.json')]);
    expect(report.added).toEqual([]);
    expect(report.rejected.length + report.ignored.length).toBeGreaterThan(0);
    expect(core.activity.running()).toEqual([]);
    await core.stop();
    expect(core.status).toBe('stopped');
    expect(onUnexpectedExit).not.toHaveBeenCalled();
    expect(await core.dispatcher.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'core_stopped' } });
  });

  it.skipIf(process.platform === 'win32')('quit during a campaign: the shell sees it running, stopAll ends llem (SIGINT) and requeues the run', async () => {
    const pidDir = path.join(dir, 'pids');
    mkdirSync(pidDir, { recursive: true });
    vi.stubEnv('LLEM_STUDIO_LLEM', path.join(ROOT, 'tests/fixtures/fake-llem/llem.mjs'));
    vi.stubEnv('LLEM_STUDIO_TELEMETRY', `replay:${path.join(ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl')}`);
    vi.stubEnv('FAKE_LLEM_PID_DIR', pidDir);
    vi.stubEnv('FAKE_LLEM_STEP_MS', '5');
    try {
      const core = client(path.join(dir, 'quit'));
      await core.start();
      const events: { type: string }[] = [];
      core.activity.onEvent((event) => events.push(event));
      const saved = await core.dispatcher.call('campaign.save', {
        name: 'long',
        yaml: 'model: "fake/hang"\nsweep:\n  precision: ["fp16"]\nexecution:\n  n_cycles: 1\n',
        profile: 'head',
      });
      if (!saved.ok) throw new Error(saved.error.message);
      const campaignId = (saved.value as { id: string }).id;
      expect(await core.dispatcher.call('runs.start', { campaignId })).toMatchObject({ ok: true });
      await vi.waitFor(() => expect(events.map((e) => e.type)).toContain('run.started'), { timeout: 15_000 });
      expect(core.activity.running()).toEqual([campaignId]);
      await vi.waitFor(() => expect(readdirSync(pidDir).length).toBeGreaterThan(0), { timeout: 10_000 });
      const llemPid = Number(readFileSync(path.join(pidDir, readdirSync(pidDir)[0]!), 'utf8').trim());
      expect(isProcessAlive(llemPid)).toBe(true);

      await core.activity.stopAll();
      await vi.waitFor(() => expect(isProcessAlive(llemPid)).toBe(false), { timeout: 5_000 });
      await vi.waitFor(() => expect(core.activity.running()).toEqual([]));
      const detail = await core.dispatcher.call('runs.campaign', { campaignId });
      expect(detail.ok && (detail.value as { runs: { status: string }[] }).runs.map((r) => r.status)).toEqual(['queued']); // queued again: it resumes next time
    } finally {
      vi.unstubAllEnvs();
    }
  });
});


describe('a core that cannot start', () => {
  it('a failed start is reported by start() once, with the reason, and is not treated as a crash', async () => {
    const onUnexpectedExit = vi.fn();
    // A data directory that is a file: the store cannot be opened.
    const notADir = path.join(mkdtempSync(path.join(os.tmpdir(), 'llem-core-bad-')), 'file');
    writeFileSync(notADir, 'x');
    const core = client(notADir, { onUnexpectedExit });
    const started = await core.start();
    expect(started).toMatchObject({ ok: false, error: { message: expect.stringContaining(notADir) } });
    await vi.waitFor(() => expect(core.status).toBe('stopped'));
    expect(onUnexpectedExit).not.toHaveBeenCalled();
    expect(await core.dispatcher.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'core_stopped', message: expect.stringContaining(notADir) } });
    rmSync(path.dirname(notADir), { recursive: true, force: true });
  });
});
