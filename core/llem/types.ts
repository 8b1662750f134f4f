/**
 * Shared result shapes of campaign resolution (expansion + validation + hashing + ordering),
 * independent of which llem profile produced them.
 */
import type { ProfileId } from '../../contract/llem/profiles';
import { formatIssues, validateModel, type ModelSpec, type ValidationIssue } from '../../contract/llem/modelSpec';
import type { PyDict, PyValue } from '../../contract/llem/pyValue';
import type { ConfigFacts } from './estimate';
import { sha256Hex } from './hashing';

/** The profile ids are declared once, in the contract. */
export type { ProfileId };

/** Why a point exists: which sweep combination or explicit entry produced it. */
export interface PointOrigin {
  kind: 'sweep' | 'explicit' | 'fixed' | 'experiment-file';
  /** 0-based position among all generated points (sweep first, then explicit). */
  position: number;
  /** Explicit entry index for `explicit`. */
  entryIndex?: number;
  /** Backend / engine loop value for `sweep`. */
  backend?: string;
}

export interface PlanWarning {
  /** Stable code the UI can key on, e.g. `dotted-non-backend-key`. */
  code: string;
  message: string;
  /** YAML path the warning is about, when there is one (`sweep.decoder.temperature`). */
  path?: string;
}

export interface ValidPoint {
  readonly origin: PointOrigin;
  /**
   * The config to re-validate or export. For valid points this is the validated config itself
   * (re-validating it gives the same config); the generated raw mapping is kept for skipped
   * points only, to keep 100k-point plans small.
   */
  readonly raw: PyDict;
  /** The validated config (Pydantic python-mode dump, every field present; a ModelDump). */
  readonly dump: PyDict;
  /** The exact text llem hashes (contract §3.3; PyPI: the json-mode dump). Computed on demand. */
  readonly canonical: string;
  /** measurement_config_hash (PyPI: declared_config_hash). */
  readonly hash: string;
  /** llem's manifest `config_summary`. */
  readonly summary: string;
  /** Estimate inputs (core/llem/estimate.ts ConfigFacts) when collected while planning. */
  readonly facts?: ConfigFacts;
}

/**
 * A valid point whose canonical text is recomputed on demand instead of being kept: a 100k
 * sweep would otherwise hold ~100 MB of strings just to show one of them.
 */
export class LazyValidPoint implements ValidPoint {
  constructor(
    readonly origin: PointOrigin,
    readonly raw: PyDict,
    readonly dump: PyDict,
    readonly hash: string,
    readonly summary: string,
    private readonly render: (dump: PyDict) => string,
    /** Estimate inputs, collected while planning (ResolveOptions.collectFacts). */
    readonly facts?: ConfigFacts,
  ) {}
  get canonical(): string {
    return this.render(this.dump);
  }
}

/**
 * Rebuilds the validated config of a point from its origin: expansion and validation are deterministic, so a
 * 100k-point plan keeps hashes and summaries (~100 bytes a point) instead of every validated config (~1.2 KB).
 */
export interface PointRegenerator {
  /** The validated config (as the plan saw it) of the point at `origin`. */
  dumpAt(origin: PointOrigin): PyDict;
  /** The text whose SHA-256 prefix is the point's `hash` (and its `canonical`). */
  render(dump: PyDict): string;
}

/** A generated (not yet validated) config and where it came from. */
export interface RawPoint {
  raw: PyDict;
  origin: PointOrigin;
}

/** Random access to generated points; `rebuildable`: at(i) gives the same config again later (no shared mutation). */
export interface PointSource {
  count: number;
  at(i: number): RawPoint;
  rebuildable: boolean;
}

/**
 * The regenerator both profile families use: validate the point's generated config again, then apply what the
 * profile does after validation (`finish`, e.g. PyPI 0.7.0's dormant canonicalisation).
 */
export function revalidatingRegenerator(
  spec: ModelSpec,
  pointAt: (position: number) => RawPoint,
  render: (dump: PyDict) => string,
  finish: (dump: PyDict) => PyDict = (d) => d,
): PointRegenerator {
  return {
    dumpAt: (origin) => {
      const r = validateModel(spec, pointAt(origin.position).raw);
      if (!r.ok) throw new Error(`internal: config #${origin.position + 1} no longer validates: ${formatIssues(r.issues)}`);
      return finish(r.dump);
    },
    render,
  };
}

/** A valid point whose config is rebuilt on demand (and checked against its hash) instead of being kept. */
export class RegeneratedValidPoint implements ValidPoint {
  constructor(
    readonly origin: PointOrigin,
    readonly hash: string,
    readonly summary: string,
    private readonly regen: PointRegenerator,
    /** Estimate inputs, collected while planning (ResolveOptions.collectFacts). */
    readonly facts?: ConfigFacts,
  ) {}
  get dump(): PyDict {
    const dump = this.regen.dumpAt(this.origin);
    const hash = sha256Hex(this.regen.render(dump)).slice(0, 16);
    // Guards the determinism the class relies on: a mismatch is a bug in llem Studio, never silently wrong YAML.
    if (hash !== this.hash) throw new Error(`internal: config #${this.origin.position + 1} rebuilt with hash ${hash}, planned as ${this.hash}`);
    return dump;
  }
  get raw(): PyDict {
    return this.dump;
  }
  get canonical(): string {
    return this.regen.render(this.dump);
  }
}

export interface SkippedPoint {
  origin: PointOrigin;
  raw: PyDict;
  /** llem's `short_label`, e.g. `pytorch, fp32`. */
  label: string;
  /** Plain-words reason, one `loc -> path: message` line per problem. */
  reason: string;
  issues: ValidationIssue[];
  /** PyPI engine-rule id that rejected the point, when one did. */
  ruleId?: string;
}

export interface EffectiveExecution {
  nCycles: number;
  /** Order name as the profile spells it (`shuffled` / `shuffle`, …). */
  order: string;
  experimentGapSeconds: number | null;
  cycleGapSeconds: number | null;
  shuffleSeed: number | bigint | null;
  /** Whether n_cycles / order came from the CLI effective defaults (absent in YAML). */
  defaulted: { nCycles: boolean; order: boolean };
  /** The validated execution block as llem sees it (CLI defaults applied), for export. */
  settings?: PyDict;
}

export interface PlannedRun {
  /** 0-based position in execution order. */
  index: number;
  /** llem's manifest `cycle`: 1-based occurrence of this config hash in execution order. */
  cycle: number;
  /** Index into `valid` (the unique list that is hashed). */
  configIndex: number;
}

export interface StudyResolution {
  profile: ProfileId;
  /** `experiment` when the file has neither `sweep` nor `experiments`. */
  kind: 'study' | 'experiment';
  name: string | null;
  execution: EffectiveExecution;
  /** Points llem would run, in expansion order (after profile dedup, if any). */
  valid: ValidPoint[];
  skipped: SkippedPoint[];
  warnings: PlanWarning[];
  /** `""` for a single experiment (llem records no study hash there). */
  studyDesignHash: string;
  runs: PlannedRun[];
  /** Number of points removed by de-duplication (llem's own or the app's opt-in). */
  deduplicated: number;
  /** Study-level keys that llem keeps but does not hash (runners, images, output…). */
  metadata: Record<string, PyValue>;
}

/** A resolution failure llem reports as exit 2 (ConfigError / validation error). */
export class CampaignError extends Error {
  constructor(
    message: string,
    readonly path?: string,
    readonly issues?: ValidationIssue[],
  ) {
    super(message);
    this.name = 'CampaignError';
  }
}

export interface ResolveOptions {
  /** Absolute or relative path of the study file (for `base:` and messages). */
  file?: string;
  /** Reads a `base:` file (already resolved to a path); returns its YAML text or bytes. */
  readFile?: (path: string) => string | Uint8Array;
  /** App opt-in: drop configs whose hash repeats (llem HEAD keeps them and then misbehaves). */
  dedupe?: boolean;
  /** CLI-style overrides of execution settings (like `--cycles`, `--order`, `--no-gaps`). */
  executionOverrides?: { nCycles?: number; order?: string; noGaps?: boolean };
  /** Work bounds for hostile or accidental input (llem itself would try and hang). */
  limits?: CampaignLimits;
  /** Collect each valid point's estimate inputs while planning (`ValidPoint.facts`), so the estimate need not rebuild configs. */
  collectFacts?: boolean;
}

export interface CampaignLimits {
  /** Max configs a sweep may generate (default 200,000). */
  maxConfigs?: number;
  /** Max planned runs, configs × cycles (default 1,000,000). */
  maxRuns?: number;
}

export const DEFAULT_LIMITS: Required<CampaignLimits> = { maxConfigs: 200_000, maxRuns: 1_000_000 };

export function checkConfigCount(count: number, limits: CampaignLimits | undefined, what = 'the sweep'): void {
  const max = limits?.maxConfigs ?? DEFAULT_LIMITS.maxConfigs;
  if (count > max) {
    throw new CampaignError(`${what} would generate ${count >= 1e15 ? count.toExponential(2) : count} configs, more than the limit of ${max}; split the study or reduce the sweep dimensions.`, 'sweep');
  }
}

export function checkRunCount(configs: number, nCycles: number, limits: CampaignLimits | undefined): void {
  const max = limits?.maxRuns ?? DEFAULT_LIMITS.maxRuns;
  if (configs * nCycles > max) {
    throw new CampaignError(`${configs} configs × ${nCycles} cycles = ${configs * nCycles} runs, more than the limit of ${max}; reduce n_cycles or the sweep.`, 'execution.n_cycles');
  }
}
