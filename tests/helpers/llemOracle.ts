/**
 * TypeScript client for tests/llem-oracle/oracle.py: the REAL llem (PyPI `llenergymeasure`, installed by
 * scripts/setup-llem-venv.sh) answering "does llem accept this YAML, and what hashes / run order does it give?".
 *
 * One long-lived Python process per oracle; requests are pipelined (written without waiting) and answered
 * strictly in order, so hundreds of configs cost one interpreter start-up.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const ORACLE_SCRIPT = path.join(REPO_ROOT, 'tests/llem-oracle/oracle.py');
export const DEFAULT_LLEM_VENV = path.join(REPO_ROOT, '.cache/llem-venv');

// ---------------------------------------------------------------------------------------------------------------
// Response schemas (child-process output is validated at the boundary)
// ---------------------------------------------------------------------------------------------------------------

const failureSchema = z.object({
  ok: z.literal(false),
  error_type: z.string(),
  message: z.string(),
  errors: z.array(z.object({ loc: z.array(z.string()), msg: z.string(), type: z.string() })).optional(),
  traceback: z.string().optional(),
});
export type LlemFailure = z.infer<typeof failureSchema>;

const experimentEntrySchema = z.object({
  /** llem's declared config hash (result.json `declared_config_hash`; the contract's `measurement_config_hash`). */
  measurement_config_hash: z.string().regex(/^[0-9a-f]{16}$/),
  resolved_config_hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** The exact text llem hashed: Python `json.dumps(dump, sort_keys=True)` (keeps int/float distinction). */
  canonical: z.string(),
  /** Same object parsed by JSON.parse (floats such as 30.0 become the JS number 30). */
  dump: z.record(z.string(), z.unknown()),
});
export type LlemExperimentEntry = z.infer<typeof experimentEntrySchema>;

const versionSchema = z.object({
  ok: z.literal(true),
  llem_version: z.string(),
  version_line: z.string(),
  python: z.string(),
});
export type LlemVersion = z.infer<typeof versionSchema>;

const experimentSchema = experimentEntrySchema.extend({ ok: z.literal(true) });
export type LlemExperiment = z.infer<typeof experimentSchema>;

const studySchema = z.object({
  ok: z.literal(true),
  study_design_hash: z.string().regex(/^[0-9a-f]{16}$/),
  study_name: z.string().nullable(),
  /** Unique experiments (after llem's dedup), in expansion order: the list the study hash covers. */
  experiments: z.array(experimentEntrySchema),
  /** Declared hashes of every valid expanded point, before dedup. */
  declared_hashes: z.array(z.string()),
  skipped: z.array(z.object({ label: z.string(), reason: z.string(), rule_id: z.string().nullable() })),
  /** Run order as indices into `experiments`, cycles included. */
  execution_order: z.array(z.number().int().nonnegative()),
  /** Effective study_execution after the `llem run` CLI defaults (3 cycles, shuffle) were applied. */
  execution: z.record(z.string(), z.unknown()),
  dedup_mode: z.string(),
});
export type LlemStudy = z.infer<typeof studySchema>;

const orderSchema = z.object({ ok: z.literal(true), order: z.array(z.number().int().nonnegative()) });

export type OracleAnswer<T> = T | LlemFailure;

function answerSchema<T extends z.ZodTypeAny>(success: T) {
  return z.union([success, failureSchema]);
}

// ---------------------------------------------------------------------------------------------------------------
// Locating the venv
// ---------------------------------------------------------------------------------------------------------------

export type LlemVenvLocation = { found: true; venvDir: string; python: string } | { found: false; reason: string };

/** Finds the venv from `LLEM_VENV` or `.cache/llem-venv`; says why when it is not usable. */
export function locateLlemVenv(env: NodeJS.ProcessEnv = process.env): LlemVenvLocation {
  const venvDir = env.LLEM_VENV ? path.resolve(env.LLEM_VENV) : DEFAULT_LLEM_VENV;
  const candidates = [path.join(venvDir, 'bin/python'), path.join(venvDir, 'Scripts/python.exe')];
  const python = candidates.find((candidate) => existsSync(candidate));
  if (python === undefined) {
    const from = env.LLEM_VENV ? 'LLEM_VENV' : 'the default location';
    return {
      found: false,
      reason: `no llem venv at ${venvDir} (${from}); create it with scripts/setup-llem-venv.sh`,
    };
  }
  return { found: true, venvDir, python };
}

/**
 * For `describe.skipIf(...)`: returns true (and prints why) when the llem venv is missing; under `CI=true` a
 * missing venv throws instead, so CI can never silently skip the oracle tests. (Same policy as
 * externalDependency.ts's missingDependency, but reading `env` so the policy itself is testable.)
 */
export function requireLlemOrSkip(env: NodeJS.ProcessEnv = process.env): boolean {
  const location = locateLlemVenv(env);
  if (location.found) return false;
  if (env.CI === 'true') {
    throw new Error(`real llem unavailable: ${location.reason} — CI=true, so this is a failure, not a skip.`);
  }
  console.warn(`SKIP: real llem (PyPI llenergymeasure) unavailable: ${location.reason}`);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// The oracle process
// ---------------------------------------------------------------------------------------------------------------

interface Pending {
  id: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class LlemOracle {
  /** Why the last `start()` returned null. */
  static lastUnavailableReason: string | null = null;

  private readonly pending: Pending[] = [];
  private nextId = 1;
  /** First fatal problem (process gone, protocol out of sync); every later request fails with it. */
  private broken: Error | null = null;
  private stderrTail = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly venvDir: string,
  ) {
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
    // 'close' (not 'exit'): it fires after stdout is drained, so no answer still in the pipe is lost.
    child.on('close', (code, signal) => {
      this.failAll(new Error(`llem oracle exited (code ${code}, signal ${signal}); stderr:\n${this.stderrTail}`));
    });
    child.on('error', (error) => this.failAll(error));
  }

  /**
   * Starts the oracle. Returns null (reason in `LlemOracle.lastUnavailableReason`) when the venv is absent; throws
   * when the venv exists but the oracle does not answer `version` (a broken install is an error, not a skip).
   */
  static async start(env: NodeJS.ProcessEnv = process.env): Promise<LlemOracle | null> {
    const location = locateLlemVenv(env);
    if (!location.found) {
      LlemOracle.lastUnavailableReason = location.reason;
      return null;
    }
    LlemOracle.lastUnavailableReason = null;
    const child = spawn(location.python, [ORACLE_SCRIPT], {
      cwd: REPO_ROOT,
      env: { ...env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const oracle = new LlemOracle(child, location.venvDir);
    const version = await oracle.version();
    if (!version.ok) {
      await oracle.close();
      throw new Error(`llem oracle did not report its version: ${version.error_type}: ${version.message}`);
    }
    return oracle;
  }

  version(): Promise<OracleAnswer<LlemVersion>> {
    return this.request({ op: 'version' }, answerSchema(versionSchema));
  }

  /** llem's experiment loader + declared hash for one YAML/JSON file (absolute path, or relative to the repo). */
  experiment(file: string): Promise<OracleAnswer<LlemExperiment>> {
    return this.request({ op: 'experiment', path: path.resolve(REPO_ROOT, file) }, answerSchema(experimentSchema));
  }

  /** llem's study loader, expansion, dedup, study hash and run order, with the `llem run` CLI defaults. */
  study(file: string): Promise<OracleAnswer<LlemStudy>> {
    return this.request({ op: 'study', path: path.resolve(REPO_ROOT, file) }, answerSchema(studySchema));
  }

  /** llem's `apply_cycles` over indices 0..n-1 (order names as in the installed release, e.g. `shuffle`). */
  order(args: {
    n: number;
    nCycles: number;
    order: string;
    studyDesignHash: string;
    shuffleSeed?: number | null;
  }): Promise<OracleAnswer<z.infer<typeof orderSchema>>> {
    return this.request(
      {
        op: 'order',
        n: args.n,
        n_cycles: args.nCycles,
        order: args.order,
        study_design_hash: args.studyDesignHash,
        shuffle_seed: args.shuffleSeed ?? null,
      },
      answerSchema(orderSchema),
    );
  }

  /** CPython `random.Random(seed).shuffle(list(range(n)))`. */
  shuffle(seed: number, n: number): Promise<OracleAnswer<z.infer<typeof orderSchema>>> {
    return this.request({ op: 'shuffle', seed, n }, answerSchema(orderSchema));
  }

  /** Sends a raw line (for robustness tests); the answer is only checked to be an object. */
  raw(line: string): Promise<Record<string, unknown>> {
    return this.send(line, null, z.record(z.string(), z.unknown()));
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await done;
    clearTimeout(timer);
  }

  private request<T extends z.ZodTypeAny>(body: Record<string, unknown>, schema: T): Promise<z.infer<T>> {
    const id = this.nextId++;
    return this.send(JSON.stringify({ ...body, id }), id, schema);
  }

  private send<T extends z.ZodTypeAny>(line: string, id: number | null, schema: T): Promise<z.infer<T>> {
    if (this.broken) return Promise.reject(this.broken);
    const expectedId = id ?? -this.nextId++; // raw lines carry no id; a negative marker keeps the FIFO aligned
    return new Promise<unknown>((resolve, reject) => {
      this.pending.push({ id: expectedId, resolve, reject });
      this.child.stdin.write(line.replace(/\n/g, ' ') + '\n');
    }).then((value) => {
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        throw new Error(`llem oracle answer does not match the expected shape: ${parsed.error.message}`);
      }
      return parsed.data as z.infer<T>;
    });
  }

  private onLine(line: string): void {
    const next = this.pending.shift();
    if (next === undefined) {
      this.failAll(new Error(`llem oracle sent an unrequested line: ${line.slice(0, 200)}`));
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      next.reject(new Error(`llem oracle sent a non-JSON line: ${line.slice(0, 200)}`));
      return;
    }
    const echoed = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
    if (next.id > 0 && echoed !== next.id) {
      this.failAll(new Error(`llem oracle answered id ${String(echoed)} where ${next.id} was expected`));
      next.reject(new Error(`llem oracle out of sync at request ${next.id}`));
      return;
    }
    next.resolve(value);
  }

  private failAll(error: Error): void {
    this.broken ??= error;
    for (const item of this.pending.splice(0)) item.reject(error);
  }
}
