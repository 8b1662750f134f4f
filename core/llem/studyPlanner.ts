/**
 * `planStudy`: everything the designer UI and `llem-studio plan` show for a llem study or
 * experiment file — resolution (configs, skipped points, warnings, hash, run order) for the
 * chosen llem profile, plus the pre-launch estimate and the CLI JSON object.
 */
import type { PlanJson } from '../../contract/llem/planCliJson';
import type { PyValue } from '../../contract/llem/pyValue';
import { estimateCampaign, type CampaignEstimate, type HistoryLookup, type LearnedPhasesLookup } from './estimate';
import { DEFAULT_PROFILE } from './profiles';
import { familyOf } from './registry';
import { readStudyFile } from './studyFiles';
import { CampaignError, type ProfileId, type ResolveOptions, type StudyResolution } from './types';
import { JsonLoadError, loadJsonPy } from '../../contract/llem/jsonPy';
import { YamlLoadError, decodeUtf8Strict, loadYaml11, type Yaml11Limits } from './yaml11';

export interface PlanOptions extends ResolveOptions {
  profile?: ProfileId;
  history?: HistoryLookup;
  /** Phase times measured on this host in recent campaigns (the estimate says "based on N runs of …"). */
  learnedPhases?: LearnedPhasesLookup;
  yamlLimits?: Yaml11Limits;
}

export interface StudyPlan {
  resolution: StudyResolution;
  /** Computed on first access (the `--json` output does not need it). */
  readonly estimate: CampaignEstimate;
  json: PlanJson;
}

function makePlan(resolution: StudyResolution, history: HistoryLookup | undefined, learnedPhases?: LearnedPhasesLookup): StudyPlan {
  let estimate: CampaignEstimate | undefined;
  return {
    resolution,
    json: toPlanJson(resolution),
    get estimate(): CampaignEstimate {
      estimate ??= estimateCampaign(resolution, history, learnedPhases);
      return estimate;
    },
  };
}

/** Resolve a parsed llem file under a profile (the registry picks the profile's family). */
export function resolveStudy(parsed: PyValue, profile: ProfileId, opts: ResolveOptions = {}): StudyResolution {
  return familyOf(profile).resolveStudy(profile, parsed, opts);
}

/** The CLI `--json` object: runs in execution order. */
export function toPlanJson(res: StudyResolution): PlanJson {
  return {
    study_design_hash: res.studyDesignHash,
    skipped: res.skipped.map((s) => ({ label: s.label, reason: s.reason })),
    warnings: res.warnings.map((w) => w.message),
    runs: res.runs.map((r) => {
      const v = res.valid[r.configIndex];
      if (!v) throw new Error('internal: run refers to a missing config');
      return { index: r.index, cycle: r.cycle, measurement_config_hash: v.hash, summary: v.summary };
    }),
  };
}

function checkFileSuffix(file: string | undefined): void {
  if (!file) return;
  const lower = file.toLowerCase();
  if (!(lower.endsWith('.yaml') || lower.endsWith('.yml') || lower.endsWith('.json'))) {
    const dot = file.lastIndexOf('.');
    throw new CampaignError(`Unsupported config format '${dot >= 0 ? file.slice(dot) : ''}': use .yaml, .yml or .json (${file})`);
  }
}

/** Parse file contents the way llem does: `.json` with json.loads, anything else as YAML 1.1. */
export function parseLlemFile(input: string | Uint8Array, file?: string, limits?: Yaml11Limits): PyValue {
  if (file && file.toLowerCase().endsWith('.json')) {
    const text = typeof input === 'string' ? input : decodeUtf8Strict(input, file);
    const max = limits?.maxBytes ?? 4 * 1024 * 1024;
    if (text.length > max) throw new YamlLoadError(`document is larger than ${max} bytes`);
    try {
      return loadJsonPy(text, limits?.maxDepth ?? 200);
    } catch (e) {
      if (e instanceof JsonLoadError) throw new YamlLoadError(`Parse error in ${file}: ${e.message}`);
      throw e;
    }
  }
  return loadYaml11(input, limits);
}

/** Plan from file contents. */
export function planStudyFromText(input: string | Uint8Array, opts: PlanOptions = {}): StudyPlan {
  checkFileSuffix(opts.file);
  const parsed = parseLlemFile(input, opts.file, opts.yamlLimits);
  const profile = opts.profile ?? DEFAULT_PROFILE;
  // Facts are collected while planning: the estimate then needs no second pass over the configs.
  const resolution = resolveStudy(parsed, profile, { readFile: readStudyFile, collectFacts: true, ...opts });
  return makePlan(resolution, opts.history, opts.learnedPhases);
}

/** Plan a study file on disk. */
export function planStudy(file: string, opts: Omit<PlanOptions, 'file'> = {}): StudyPlan {
  let bytes: Uint8Array;
  try {
    bytes = readStudyFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'not_found') throw new CampaignError(`Config file cannot be read: ${(e as Error).message}`);
    throw new CampaignError(`Config file not found: ${file} (ENOENT)`);
  }
  return planStudyFromText(bytes, { ...opts, file });
}
