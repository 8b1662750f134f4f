/**
 * `llem-studio plan <study.yaml> [--json] [--llem-profile NAME]` — headless campaign planning.
 * Returns the process result instead of printing, so the commander wiring (core/cli/index.ts,
 * owned by the lead) and tests share one implementation.
 *
 * Exit codes: 0 planned; 2 invalid file or arguments (message on stderr, like llem's exit 2);
 * 1 unexpected internal error.
 */
import { planJsonSchema } from '../../contract/llem/planCliJson';
import { CampaignError } from '../llem/types';
import { YamlLoadError } from '../llem/yaml11';
import { DEFAULT_PROFILE, PROFILES, parseProfileName, profileNames } from '../llem/profiles';
import type { ProfileId } from '../llem/types';
import { planStudy, type StudyPlan } from '../llem/studyPlanner';
import type { Range } from '../llem/estimate';
import type { HistoryLookup, LearnedPhasesLookup } from '../llem/estimate';

export interface PlanCommandArgs {
  file: string;
  json: boolean;
  llemProfile?: string;
}

/** The installed llem's profile (null profile: no llem found), for when `--llem-profile` is not given. */
export type DetectInstalledProfile = () => Promise<{ profile: ProfileId | null; note: string }>;

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function formatEnergy(j: number): string {
  if (!Number.isFinite(j)) return '?';
  if (j >= 1e9) return `${(j / 1e9).toPrecision(3)} GJ`;
  if (j >= 1e6) return `${(j / 1e6).toPrecision(3)} MJ`;
  if (j >= 1e3) return `${(j / 1e3).toPrecision(3)} kJ`;
  return `${j.toPrecision(3)} J`;
}

function rangeText(r: Range, f: (x: number) => string): string {
  return `${f(r.mid)} (${f(r.low)} – ${f(r.high)})`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l, i) => (i === 0 ? l : prefix + l))
    .join('\n');
}

export function formatHumanPlan(plan: StudyPlan): string {
  const r = plan.resolution;
  const lines: string[] = [];
  const info = PROFILES[r.profile];
  lines.push(`llem profile: ${r.profile} (${info.label})`);
  if (r.kind === 'experiment') {
    lines.push('File:    single experiment (llem records no study hash)');
  } else {
    lines.push(`Study:   ${r.name ?? 'unnamed'}`);
    lines.push(`Hash:    ${r.studyDesignHash}`);
  }
  const generated = r.valid.length + r.skipped.length + r.deduplicated;
  lines.push(
    `Configs: ${r.valid.length} to run, ${r.skipped.length} skipped${r.deduplicated ? `, ${r.deduplicated} duplicate(s) removed` : ''} (of ${generated} generated)`,
  );
  const ex = r.execution;
  const orderNote = ex.defaulted.order ? ' (CLI default)' : '';
  const cycleNote = ex.defaulted.nCycles ? ' (CLI default)' : '';
  lines.push(`Runs:    ${r.valid.length} configs x ${ex.nCycles} cycles${cycleNote} = ${r.runs.length} runs, order ${ex.order}${orderNote}`);
  if (ex.experimentGapSeconds || ex.cycleGapSeconds) {
    lines.push(`Gaps:    ${ex.experimentGapSeconds ?? 0}s between experiments, ${ex.cycleGapSeconds ?? 0}s at cycle boundaries`);
  }
  if (r.skipped.length) {
    lines.push('', `Skipped ${r.skipped.length}/${r.skipped.length + r.valid.length + r.deduplicated}:`);
    for (const s of r.skipped) lines.push(`  - ${s.label}: ${indent(s.reason, '      ')}`);
  }
  if (r.warnings.length) {
    lines.push('', 'Warnings:');
    for (const w of r.warnings) lines.push(`  - ${w.message}`);
  }
  const est = plan.estimate;
  lines.push('', `Estimate (${est.basis}${est.usesHeuristic ? ': heuristic, wide range' : ''}):`);
  lines.push(`  duration    ${rangeText(est.totalDurationSeconds, formatDuration)}`);
  lines.push(`  GPU energy  ${rangeText(est.totalEnergyJoules, formatEnergy)}`);
  const b = est.breakdown;
  lines.push(
    `  of which    baseline ${formatDuration(b.baseline)}, model load ${formatDuration(b.modelLoad)}, warmup ${formatDuration(b.warmup)}, thermal floors ${formatDuration(b.thermalFloor)}, measurement ${formatDuration(b.measurement)}${b.overhead > 0 ? `, llem start and write-out ${formatDuration(b.overhead)}` : ''}, gaps ${formatDuration(b.gaps)}`,
  );
  lines.push('', 'Run order:');
  const shown = r.runs.slice(0, 50);
  for (const run of shown) {
    const v = r.valid[run.configIndex];
    lines.push(`  [${run.index + 1}/${r.runs.length}] cycle ${run.cycle}  ${v?.hash ?? '?'}  ${v?.summary ?? ''}`);
  }
  if (r.runs.length > shown.length) lines.push(`  … ${r.runs.length - shown.length} more`);
  return `${lines.join('\n')}\n`;
}

export async function runPlanCommand(
  argv: PlanCommandArgs,
  deps: { history?: HistoryLookup; detectInstalledProfile?: DetectInstalledProfile; learnedPhases?: LearnedPhasesLookup } = {},
): Promise<CommandResult> {
  let profile = DEFAULT_PROFILE;
  // Which profile and why, on stderr for humans (stdout stays the plan / the one JSON object).
  let profileNote = '';
  if (argv.llemProfile !== undefined) {
    const p = parseProfileName(argv.llemProfile);
    if (!p) {
      return { exitCode: 2, stdout: '', stderr: `Unknown llem profile '${argv.llemProfile}'. Choose one of: ${profileNames().join(', ')}.\n` };
    }
    profile = p;
  } else if (deps.detectInstalledProfile) {
    // The installed llem decides the schema; with none found, the newest one the contract documents (HEAD).
    const detected = await deps.detectInstalledProfile();
    if (detected.profile) profile = detected.profile;
    profileNote = `llem profile ${profile}: ${detected.note}\n`;
  }
  let plan: StudyPlan;
  try {
    plan = planStudy(argv.file, { profile, ...(deps.history ? { history: deps.history } : {}), ...(deps.learnedPhases ? { learnedPhases: deps.learnedPhases } : {}) });
  } catch (e) {
    if (e instanceof CampaignError || e instanceof YamlLoadError) {
      const where = e instanceof CampaignError && e.path ? ` [at ${e.path}]` : '';
      return { exitCode: 2, stdout: '', stderr: `${profileNote}Invalid llem file ${argv.file}${where} (profile ${profile}):\n${e.message}\n` };
    }
    return { exitCode: 1, stdout: '', stderr: `Internal error while planning ${argv.file}: ${(e as Error).stack ?? String(e)}\n` };
  }
  if (argv.json) {
    const json = planJsonSchema.parse(plan.json);
    return { exitCode: 0, stdout: `${JSON.stringify(json)}\n`, stderr: profileNote };
  }
  return { exitCode: 0, stdout: formatHumanPlan(plan), stderr: profileNote };
}
