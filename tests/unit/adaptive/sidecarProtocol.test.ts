import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptiveOptimizer, type TrialRecord } from '../../../core/adaptive/optimizer';
import { HelloResultSchema, InitResultSchema, AskResultSchema, TellResultSchema, SIDECAR_PROTOCOL_VERSION } from '../../../core/adaptive/protocol';
import { defaultSidecarScript, SidecarClient, SidecarCrashedError, SidecarRequestError } from '../../../core/adaptive/sidecarClient';
import { optunaMissing, toyMeasure, toySetup, VENV_PYTHON } from './sidecarHelpers';

const clients: SidecarClient[] = [];
function client(extra: Partial<ConstructorParameters<typeof SidecarClient>[0]> = {}): SidecarClient {
  const c = new SidecarClient({ python: VENV_PYTHON, requestTimeoutMs: 60_000, ...extra });
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** Writes raw lines to a fresh sidecar and returns its raw reply lines (what a non-conforming client would see). */
async function rawExchange(lines: string[]): Promise<unknown[]> {
  const child = spawn(VENV_PYTHON, ['-u', defaultSidecarScript()], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', () => {});
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.stdin.end(lines.join('\n') + '\n');
  expect(await exited).toBe(0);
  return out.trim().split('\n').map((l) => JSON.parse(l) as unknown);
}

async function runToy(opt: AdaptiveOptimizer, steps: number, onStep?: (i: number) => void, afterAsk?: (i: number) => void): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < steps; i++) {
    onStep?.(i);
    const p = await opt.ask();
    if ('exhausted' in p) break;
    afterAsk?.(i); // a crash while llem runs: the sidecar that asked is gone when the result arrives
    keys.push(p.key);
    const v = toyMeasure(p.key);
    await opt.tell(p.trial, v ? { key: p.key, status: 'ok', values: v } : { key: p.key, status: 'failed', reason: 'CUDA out of memory' });
  }
  return keys;
}

describe.skipIf(optunaMissing())('Optuna sidecar protocol', () => {
  it('answers every malformed line with an error naming the problem, and keeps serving', async () => {
    const init = JSON.stringify({ ...toySetup(), id: 9, op: 'init', protocol: SIDECAR_PROTOCOL_VERSION });
    const replies = (await rawExchange([
      'not json',
      '[1, 2]',
      '{"id": -1, "op": "hello"}',
      '{"id": 1, "op": "launch"}',
      '{"id": 2, "op": "ask"}',
      '{"id": 3, "op": "hello", "extra": true}',
      '{"id": 4, "op": "init", "protocol": 1, "seed": 1, "sampler": "tpe", "objectives": [], "dimensions": [], "candidates": []}',
      '{"id": 5, "op": "tell", "trial": 0, "status": "ok", "values": [NaN, 1]}',
      '\xff\xfe',
      init,
      '{"id": 10, "op": "tell", "trial": 0, "status": "ok", "values": [1, 2]}',
      '{"id": 11, "op": "ask"}',
      '{"id": 12, "op": "tell", "trial": 0, "status": "ok", "values": [1]}',
      '{"id": 13, "op": "tell", "trial": 0, "status": "ok", "values": [1, "2"]}',
      '{"id": 14, "op": "tell", "trial": 0, "status": "failed", "values": [1, 2]}',
      '{"id": 15, "op": "tell", "trial": 0, "status": "maybe"}',
      '{"id": 16, "op": "tell", "trial": 0, "status": "ok", "values": [1, 2]}',
      '{"id": 17, "op": "shutdown"}',
    ])) as { id: number | null; ok: boolean; error?: { code: string; message: string; path?: string }; result?: unknown }[];
    const byId = (id: number | null) => replies.filter((r) => r.id === id);
    const errs = replies.filter((r) => !r.ok);
    expect(errs.map((r) => r.error!.code)).toEqual([
      'bad-json', // not json
      'bad-message', // an array
      'bad-message', // negative id
      'unknown-op',
      'bad-state', // ask before init
      'bad-message', // unknown field
      'bad-message', // empty objectives
      'bad-json', // NaN is not JSON
      'bad-json', // undecodable bytes are replaced, then fail JSON
      'unknown-trial', // tell before any ask
      'bad-message', // one value for two objectives
      'bad-message', // a string value
      'bad-message', // a failed run with values
      'bad-message', // unknown status
    ]);
    expect(byId(4)[0]!.error!.path).toBe('init.objectives');
    expect(byId(1)[0]!.error!.message).toContain("'launch'");
    expect(byId(12)[0]!.error!.path).toBe('tell.values');
    // The valid requests in between were served: init, an ask, the final tell, shutdown.
    expect(byId(9)[0]).toMatchObject({ ok: true, result: { candidates: 16 } });
    expect(byId(11)[0]).toMatchObject({ ok: true, result: { trial: 0 } });
    expect(byId(16)[0]).toMatchObject({ ok: true, result: { trial: 0 } });
    expect(byId(17)[0]).toMatchObject({ ok: true });
  });

  it('rejects a search space that is not what it claims (duplicate keys, unknown values, missing dimensions)', async () => {
    const c = client();
    const base = { ...toySetup(), protocol: SIDECAR_PROTOCOL_VERSION };
    const bad = [
      { candidates: [...base.candidates, base.candidates[0]!], path: 'init.candidates[16].key' },
      { candidates: [{ key: 'x', params: { model: 'z', batch_size: '1' } }], path: 'init.candidates[0].params.model' },
      { candidates: [{ key: 'x', params: { model: 'a' } }], path: 'init.candidates[0].params' },
      { seed: -1, path: 'init.seed' },
      { sampler: 'cma', path: 'init.sampler' },
      { protocol: 99, path: 'init.protocol' },
    ];
    for (const { path: where, ...change } of bad) {
      const e = await c.request('init', { ...base, ...change }, InitResultSchema).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e, where).toBeInstanceOf(SidecarRequestError);
      expect((e as SidecarRequestError).fieldPath).toBe(where);
    }
    await expect(c.request('init', base, InitResultSchema)).resolves.toMatchObject({ optuna: '5.1.0', sampler: 'TPESampler' });
  });

  it('proposes only valid, unmeasured configurations and says why; a failed run is told as infeasible', async () => {
    const c = client();
    const setup = toySetup(11);
    await c.request('init', { ...setup, protocol: SIDECAR_PROTOCOL_VERSION }, InitResultSchema);
    const valid = new Set(setup.candidates.map((x) => x.key));
    const seen = new Set<string>();
    const modes: string[] = [];
    let infeasible = 0;
    for (;;) {
      const a = await c.request('ask', {}, AskResultSchema);
      if ('exhausted' in a) {
        expect(a.measured).toBe(valid.size);
        break;
      }
      expect(valid.has(a.key)).toBe(true);
      expect(seen.has(a.key)).toBe(false);
      expect(a.why).toMatch(/TPE/);
      modes.push(a.mode);
      seen.add(a.key);
      const v = toyMeasure(a.key);
      const told = await c.request('tell', v ? { trial: a.trial, status: 'ok', values: v } : { trial: a.trial, status: 'failed', reason: 'oom' }, TellResultSchema);
      expect(told.feasible).toBe(v !== null);
      if (!told.feasible) infeasible++;
    }
    expect(seen.size).toBe(valid.size);
    expect(infeasible).toBe(1);
    // TPE's start-up on 16 candidates is 4 random trials (max(4, min(10, n // 20))); then its model proposes,
    // or, when it keeps proposing measured configurations, the nearest unmeasured one runs.
    expect(modes.slice(0, 4)).toEqual(['startup', 'startup', 'startup', 'startup']);
    expect(modes.slice(4).every((m) => m === 'model' || m === 'nearest')).toBe(true);
    expect(modes.slice(4)).toContain('model');
  });

  it('a crashed sidecar is restarted and the study rebuilt: the proposals are the same as without the crash', async () => {
    const straight = new AdaptiveOptimizer(toySetup(5), { python: VENV_PYTHON });
    await straight.start();
    const expected = await runToy(straight, 10);
    await straight.close();

    const restarts: string[] = [];
    const crashing = new AdaptiveOptimizer(toySetup(5), { python: VENV_PYTHON, onRestart: (e) => restarts.push(e.message) });
    await crashing.start();
    const got = await runToy(
      crashing,
      10,
      (i) => {
        if (i === 3 || i === 7) crashing.killSidecarForTest();
      },
      (i) => {
        if (i === 8) crashing.killSidecarForTest();
      },
    );
    await crashing.close();
    expect(got).toEqual(expected);
    expect(crashing.restartCount).toBe(3);
    expect(restarts[0]).toMatch(/exited \(signal SIGKILL\)/);
    // The last restart happened at the tell of step 9: its replay held all 9 trials, the one being told included.
    expect(crashing.lastReplay).toEqual({ replayed: 9, matched: 9 });
  });

  it('resumes from stored trials: a new optimizer given the first trials continues like the uninterrupted one', async () => {
    const straight = new AdaptiveOptimizer(toySetup(8, 'nsga2'), { python: VENV_PYTHON });
    await straight.start();
    const expected = await runToy(straight, 9);
    const stored: TrialRecord[] = straight.trials.slice(0, 5).map((t) => ({ ...t }));
    await straight.close();

    const resumed = new AdaptiveOptimizer(toySetup(8, 'nsga2'), { python: VENV_PYTHON });
    await resumed.start(stored);
    expect(resumed.lastReplay).toEqual({ replayed: 5, matched: 5 });
    const rest = await runToy(resumed, 4);
    await resumed.close();
    expect([...stored.map((t) => t.key), ...rest]).toEqual(expected);
  });

  it('replays trials this seed would not propose (another seed wrote them) without losing any', async () => {
    const other = new AdaptiveOptimizer(toySetup(1), { python: VENV_PYTHON });
    await other.start();
    await runToy(other, 4);
    const stored = [...other.trials];
    await other.close();
    const resumed = new AdaptiveOptimizer(toySetup(2), { python: VENV_PYTHON });
    await resumed.start(stored);
    expect(resumed.lastReplay!.replayed).toBe(4);
    const next = await runToy(resumed, 30);
    await resumed.close();
    // Every configuration is measured exactly once over both parts.
    expect(new Set([...stored.map((t) => t.key), ...next]).size).toBe(stored.length + next.length);
    expect(stored.length + next.length).toBe(toySetup().candidates.length);
  });

  it('a sidecar that never starts fails with a message naming the interpreter, after bounded restarts', async () => {
    const opt = new AdaptiveOptimizer(toySetup(), { python: '/nonexistent/python3', maxRestarts: 2 });
    await expect(opt.start()).rejects.toThrow(/failed 3 times in a row.*\/nonexistent\/python3/);
  });
});

describe('sidecar client: what the Node side refuses (no Optuna needed)', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  /** A stand-in sidecar (plain python3, no Optuna) that runs `body` for each request `m`. */
  function fakeScript(body: string): string {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sidecar-'));
    const script = path.join(dir, 'fake.py');
    writeFileSync(script, `import json, sys\nfor line in sys.stdin:\n    m = json.loads(line)\n    ${body}\n    sys.stdout.flush()\n`);
    return script;
  }
  function fakeSidecar(body: string): SidecarClient {
    return client({ python: 'python3', script: fakeScript(body), requestTimeoutMs: 3000 });
  }
  const say = (obj: string) => `print(json.dumps(${obj}))`;

  it('a line that is not JSON kills the sidecar and fails the request', async () => {
    const c = fakeSidecar(`print('hello there')`);
    await expect(c.request('hello', {}, HelloResultSchema)).rejects.toThrow(/not JSON: "hello there"/);
    expect(c.alive).toBe(false);
  });

  it('a reply of the wrong shape is refused by the schema', async () => {
    const c = fakeSidecar(say(`{'id': m['id'], 'ok': True, 'result': {'trial': -1, 'key': 'x', 'why': 'y'}}`));
    await expect(c.request('ask', {}, AskResultSchema)).rejects.toBeInstanceOf(SidecarCrashedError);
  });

  it('a reply to no request is a protocol break', async () => {
    const c = fakeSidecar(say(`{'id': m['id'] + 100, 'ok': True, 'result': {}}`));
    await expect(c.request('hello', {}, HelloResultSchema)).rejects.toThrow(/answered request \d+, which is not waiting/);
  });

  it('silence is a timeout, not a hang', async () => {
    const c = fakeSidecar(`pass`);
    await expect(c.request('hello', {}, HelloResultSchema)).rejects.toThrow(/did not answer hello within 3000 ms/);
  });

  it('an error reply is a SidecarRequestError with its code and path, and the sidecar stays usable', async () => {
    const c = fakeSidecar(
      say(
        `{'id': m['id'], 'ok': False, 'error': {'code': 'unknown-trial', 'message': 'nope', 'path': 'tell.trial'}} if m['op'] == 'tell' else {'id': m['id'], 'ok': True, 'result': {'protocol': 1, 'optuna': None, 'optunaError': 'x', 'python': '3'}}`,
      ),
    );
    const e = await c.request('tell', { trial: 3 }, TellResultSchema).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SidecarRequestError);
    expect((e as SidecarRequestError).code).toBe('unknown-trial');
    await expect(c.request('hello', {}, HelloResultSchema)).resolves.toMatchObject({ protocol: 1 });
  });

  it('reports a venv without Optuna plainly', async () => {
    const script = fakeScript(
      say(`{'id': m['id'], 'ok': True, 'result': {'protocol': 1, 'optuna': None, 'optunaError': "ModuleNotFoundError: No module named 'optuna'", 'python': '3.11'}}`),
    );
    const opt = new AdaptiveOptimizer(toySetup(), { python: 'python3', script });
    await expect(opt.start()).rejects.toThrow(/Optuna is not installed in python3 .*No module named 'optuna'.*setup-adaptive-sidecar\.sh/);
  });
});
