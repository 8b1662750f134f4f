import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelemetryFrameSchema, type TelemetryFrame, type TelemetrySample } from '../../../contract/telemetry';
import { decodeChunk, encodeChunk } from '../../../core/telemetry/chunks';
import { readRunTelemetry } from '../../../core/telemetry/storedSampleStore';
import { DisplayCoalescer } from '../../../core/telemetry/coalescer';
import { createTelemetrySource, parseTelemetrySpec } from '../../../core/telemetry/createSource';
import { TelemetryHub } from '../../../core/telemetry/hub';
import { loadReplayFile, MAX_REPLAY_FILE_BYTES, parseReplay, ReplaySource } from '../../../core/telemetry/sources/replay';
import { NvmlSource } from '../../../core/telemetry/sources/nvml';
import { openDatabase, type Db } from '../../../core/store/database';

const REPLAY = path.resolve(__dirname, '../../fixtures/fake-llem/replay-synthetic.jsonl');
const s = (gpuIndex: number, tMs: number, powerW: number, energyMj: number | null = null): TelemetrySample => ({
  gpuIndex,
  tMs,
  powerW,
  powerInstant: false,
  energyMj,
  temperatureC: null,
  smUtilPct: null,
  memoryUsedMb: null,
  memoryTotalMb: null,
  smClockMhz: null,
  memClockMhz: null,
  throttleReasons: null,
});

describe('replay files', () => {
  it('loads the committed synthetic recording', () => {
    const r = loadReplayFile(REPLAY);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.header.origin).toMatch(/^synthetic/);
    expect(r.value.header.gpus.map((g) => g.index)).toEqual([0, 1]);
    expect(r.value.samples).toHaveLength(400);
    expect(r.value.durationMs).toBe(20_000);
  });

  it('names the line of a bad record', () => {
    const bad = parseReplay('{"gpuIndex":0,"tMs":0,"powerW":1}\n{"gpuIndex":-1,"tMs":100,"powerW":1}\n', 'x.jsonl');
    expect(bad).toMatchObject({ ok: false, error: { code: 'replay_invalid', path: 'x.jsonl:2', message: expect.stringContaining('gpuIndex') } });
    expect(parseReplay('not json', 'y.jsonl')).toMatchObject({ ok: false, error: { path: 'y.jsonl:1' } });
    expect(parseReplay('\n\n', 'z.jsonl')).toMatchObject({ ok: false, error: { message: expect.stringContaining('no samples') } });
    expect(loadReplayFile('/nonexistent.jsonl')).toMatchObject({ ok: false, error: { code: 'replay_unreadable' } });
  });

  describe('reads only a regular file of checked size (issue #15: a path may be a link to a device)', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'llem-replay-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses a symlink to /dev/zero with an error naming the file and why, without reading it', () => {
      const link = path.join(dir, 'replay.jsonl');
      symlinkSync('/dev/zero', link);
      const r = loadReplayFile(link);
      expect(r).toMatchObject({ ok: false, error: { code: 'replay_unreadable', path: link } });
      expect(!r.ok && r.error.message).toMatch(/not a regular file/);
      expect(ReplaySource.fromFile(link)).toMatchObject({ ok: false, error: { code: 'replay_unreadable' } });
    });

    it('refuses a directory, and a file over MAX_REPLAY_FILE_BYTES (checked before reading: a sparse file)', () => {
      expect(loadReplayFile(dir)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not a regular file/) } });
      const huge = path.join(dir, 'huge.jsonl');
      const fd = openSync(huge, 'w');
      ftruncateSync(fd, MAX_REPLAY_FILE_BYTES + 1);
      closeSync(fd);
      expect(loadReplayFile(huge)).toMatchObject({ ok: false, error: { code: 'replay_unreadable', message: expect.stringContaining(`more than the ${MAX_REPLAY_FILE_BYTES} accepted`) } });
    });

    it('follows a symlink to a regular replay file', () => {
      const link = path.join(dir, 'linked.jsonl');
      symlinkSync(REPLAY, link);
      expect(loadReplayFile(link)).toMatchObject({ ok: true, value: { durationMs: 20_000 } });
    });
  });

  it('plays back in real time, loops, and keeps the energy counter rising at the recorded rate', async () => {
    const rec = parseReplay(['{"gpuIndex":0,"tMs":0,"powerW":10,"energyMj":100}', '{"gpuIndex":0,"tMs":100,"powerW":10,"energyMj":1100}'].join('\n'));
    if (!rec.ok) throw new Error(rec.error.message);
    let now = 1_000_000;
    const src = new ReplaySource(rec.value, 5, () => now);
    const got: TelemetrySample[] = [];
    await src.start((b) => got.push(...b));
    for (let i = 0; i < 9; i++) {
      now += 50;
      await new Promise((r) => setTimeout(r, 8));
    }
    await src.stop();
    // 450 ms of playback of a 200 ms loop: samples due at 0, 100, 200, 300, 400.
    expect(got.map((g) => g.tMs - 1_000_000)).toEqual([0, 100, 200, 300, 400]);
    // 10 W = 1000 mJ per 100 ms, also across the loop boundary.
    expect(got.map((g) => g.energyMj)).toEqual([100, 1100, 2100, 3100, 4100]);
  });
});

describe('telemetry source specs', () => {
  it('parses the spec and refuses unknown ones', () => {
    expect(parseTelemetrySpec('replay:/tmp/x.jsonl')).toEqual({ ok: true, value: { kind: 'replay', file: '/tmp/x.jsonl' } });
    expect(parseTelemetrySpec('nvml2')).toMatchObject({ ok: false, error: { path: '--telemetry' } });
    expect(createTelemetrySource('off')).toEqual({ ok: true, value: { source: null, note: null } });
  });

  it('NVML: opens on a GPU machine, or reports clearly why not (never throws)', async () => {
    const src = new NvmlSource();
    const opened = src.open();
    if (opened.ok) {
      const frames: TelemetrySample[][] = [];
      await src.start((b) => frames.push(b), () => undefined);
      await src.stop();
      expect(frames[0]!.length).toBe(opened.value.gpus.length);
    } else {
      expect(opened.error.code).toMatch(/^nvml_|^no_gpu$/);
      expect(opened.error.message.length).toBeGreaterThan(10);
      const auto = createTelemetrySource('auto', { env: { PATH: '' } });
      expect(auto).toMatchObject({ ok: true, value: { source: null, note: expect.stringContaining('No GPU telemetry') } });
      expect(createTelemetrySource('nvml')).toMatchObject({ ok: false });
    }
  });
});

describe('telemetry chunk encoding', () => {
  it('round-trips samples exactly, nulls included', () => {
    const samples: TelemetrySample[] = [
      { ...s(3, 1_700_000_000_123, 231.5, 9_876_543_210), temperatureC: 64, throttleReasons: 0x24, powerInstant: true },
      { ...s(3, 1_700_000_000_223, 0, null), smUtilPct: 100, memoryUsedMb: 0.5 },
    ];
    const buf = encodeChunk(samples);
    expect(buf.byteLength).toBe(2 * 53);
    // decode from an unaligned copy, as SQLite may hand it back
    const unaligned = Buffer.alloc(buf.byteLength + 1);
    buf.copy(unaligned, 1);
    expect(decodeChunk(unaligned.subarray(1), 2, 3)).toEqual(samples);
    expect(() => decodeChunk(buf, 3, 0)).toThrow(/expected 159/);
    // float32 columns keep NVML's resolution (mW → W with 3 decimals) to well under 1 mW
    const [back] = decodeChunk(encodeChunk([{ ...s(0, 0, 231.457), temperatureC: 64 }]), 1, 0);
    expect(Math.abs(back!.powerW! - 231.457)).toBeLessThan(1e-4);
  });
});

describe('display coalescing', () => {
  it('emits the first batch at once, merges the rest to the newest sample per GPU at the interval', async () => {
    const frames: { samples: TelemetrySample[]; n: number }[] = [];
    const c = new DisplayCoalescer(50, (samples, n) => frames.push({ samples, n }));
    c.push([s(0, 1, 1), s(1, 1, 2)]);
    expect(frames).toHaveLength(1);
    c.push([s(0, 2, 3)]);
    c.push([s(0, 3, 4), s(1, 3, 5)]);
    expect(frames).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(frames).toHaveLength(2);
    expect(frames[1]).toEqual({ samples: [s(0, 3, 4), s(1, 3, 5)], n: 3 });
    c.stop();
  });
});

describe('telemetry hub', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'llem-hub-'));
    const o = openDatabase(dir);
    if (!o.ok) throw new Error(o.error.message);
    db = o.value;
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['rows', 'chunks'] as const)('tags samples with run, attempt and phase, stores them (%s layout), and computes energy per window', async (layout) => {
    const now = new Date().toISOString();
    db.prepare("INSERT INTO campaigns (id, name, study_json, status, created_at, updated_at) VALUES ('c', 'c', '{}', 'running', ?, ?)").run(now, now);
    db.prepare("INSERT INTO experiments (id, campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (1, 'c', 0, '{}', 'h', 's')").run();
    db.prepare("INSERT INTO runs (id, campaign_id, experiment_id, run_index, cycle) VALUES (7, 'c', 1, 0, 1)").run();
    const errors: string[] = [];
    const hub = new TelemetryHub({ source: null, db, layout, onError: (m) => errors.push(m) });
    const frames: TelemetryFrame[] = [];
    hub.subscribe((f) => frames.push(TelemetryFrameSchema.parse(f)));
    hub.ingest([s(0, 0, 50, 1000)]);
    hub.beginRun(7, 2);
    hub.ingest([s(0, 100, 100, 2000)]);
    hub.setPhase('measuring');
    hub.ingest([s(0, 200, 200, 3000)]);
    hub.ingest([s(0, 1200, 200, 203000)]);
    const energy = hub.endRun();
    expect(energy).toEqual([
      { runId: 7, attempt: 2, gpuIndex: 0, window: 'measuring', counterJ: 200, counterMethod: 'counter', bridgeJ: 0, counterReads: 2, gpuUuid: null, integratedJ: 200, sampleCount: 2, startMs: 200, endMs: 1200 },
      { runId: 7, attempt: 2, gpuIndex: 0, window: 'run', counterJ: 201, counterMethod: 'counter', bridgeJ: 0, counterReads: 3, gpuUuid: null, integratedJ: 215, sampleCount: 3, startMs: 100, endMs: 1200 },
    ]);
    // endRun flushed: every sample is stored with its tags, and reads back exactly whatever the layout.
    const stored = readRunTelemetry(db, { runId: 7 });
    expect(stored.map((x) => [x.runId, x.attempt, x.phase, x.sample.tMs, x.sample.powerW, x.sample.energyMj])).toEqual([
      [7, 2, 'starting', 100, 100, 2000],
      [7, 2, 'measuring', 200, 200, 3000],
      [7, 2, 'measuring', 1200, 200, 203000],
    ]);
    expect(stored[0]!.sample).toEqual(s(0, 100, 100, 2000));
    expect(readRunTelemetry(db, { runId: 7, attempt: 1 })).toEqual([]);
    if (layout === 'chunks') {
      expect(db.prepare('SELECT run_id, phase, n FROM telemetry_chunks ORDER BY id').all()).toEqual([
        { run_id: null, phase: 'idle', n: 1 },
        { run_id: 7, phase: 'starting', n: 1 },
        { run_id: 7, phase: 'measuring', n: 2 },
      ]);
    } else {
      expect(db.prepare('SELECT run_id, attempt, phase, t_ms, power_instant FROM telemetry_samples ORDER BY t_ms').all()).toEqual([
        { run_id: null, attempt: null, phase: 'idle', t_ms: 0, power_instant: 0 },
        { run_id: 7, attempt: 2, phase: 'starting', t_ms: 100, power_instant: 0 },
        { run_id: 7, attempt: 2, phase: 'measuring', t_ms: 200, power_instant: 0 },
        { run_id: 7, attempt: 2, phase: 'measuring', t_ms: 1200, power_instant: 0 },
      ]);
    }
    expect(errors).toEqual([]);
    expect(frames[0]).toMatchObject({ runId: null, phase: 'idle', samples: [{ tMs: 0 }] });
    await hub.stop();
  });

  it('reports, and does not throw, when a batch cannot be stored', () => {
    const errors: string[] = [];
    const hub = new TelemetryHub({ source: null, db, onError: (m) => errors.push(m) });
    hub.beginRun(999, 1); // no such run: the foreign key refuses the batch
    hub.ingest([s(0, 0, 1)]);
    expect(() => hub.endRun()).not.toThrow();
    expect(errors[0]).toMatch(/Could not store 1 telemetry samples: FOREIGN KEY/);
  });
});
