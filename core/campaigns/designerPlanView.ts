import type { ProfileIdName } from '../../contract/api';
import type { CampaignPlanView } from '../../contract/apiCampaign';
import { err, ok, type Result } from '../../contract/result';
import { planStudyFromText } from '../llem/studyPlanner';
import { CampaignError, type PointOrigin, type StudyResolution } from '../llem/types';
import { YamlLoadError } from '../llem/yaml11';
import { lookupFromTable, type CampaignEstimate, type LearnedPhasesTable } from '../llem/estimate';
import { canonicalJson } from '../../contract/llem/canonicalJson';
import type { PyDict } from '../../contract/llem/pyValue';
import { parse as parseYaml } from 'yaml';
import { distinguishingLabels, skippedLabel, sweptKeysOf, type JsonValue } from '../../contract/runLabels';

/** Lists longer than this are cut for display; the counts stay exact. */
export const DISPLAY_LIMIT = 2000;

function describeOrigin(origin: PointOrigin): string {
  switch (origin.kind) {
    case 'sweep':
      return origin.backend ? `sweep point ${origin.position + 1} (${origin.backend})` : `sweep point ${origin.position + 1}`;
    case 'explicit':
      return `experiments[${origin.entryIndex ?? origin.position}]`;
    case 'fixed':
      return 'fixed fields';
    case 'experiment-file':
      return 'experiment file';
  }
}

/** A config as plain JSON for labelling; a value JSON cannot hold (NaN, an odd key) leaves it unlabelled, not failed. */
function asJson(read: () => string): JsonValue {
  try {
    return JSON.parse(read()) as JsonValue;
  } catch {
    return null;
  }
}

/** Labels are computed for the first configs only: a 100k sweep rebuilds each config to read it. */
export const LABEL_LIMIT = 500;

export function toPlanView(resolution: StudyResolution, estimate: CampaignEstimate, sweptKeys: readonly string[] = []): CampaignPlanView {
  const labelled = resolution.valid.slice(0, LABEL_LIMIT);
  const labels = distinguishingLabels(
    labelled.map((point) => asJson(() => point.canonical)),
    { sweptKeys },
  );
  const labelOf = (configIndex: number): string => labels[configIndex] || resolution.valid[configIndex]?.summary || '';
  return {
    profile: resolution.profile,
    kind: resolution.kind,
    studyDesignHash: resolution.studyDesignHash,
    configCount: resolution.valid.length,
    runCount: resolution.runs.length,
    execution: {
      nCycles: resolution.execution.nCycles,
      order: resolution.execution.order,
      defaulted: resolution.execution.defaulted.nCycles || resolution.execution.defaulted.order,
    },
    configs: resolution.valid.slice(0, DISPLAY_LIMIT).map((point, index) => ({
      index,
      hash: point.hash,
      summary: point.summary,
      label: labelOf(index),
      origin: describeOrigin(point.origin),
    })),
    runs: resolution.runs.slice(0, DISPLAY_LIMIT).map((run) => {
      const point = resolution.valid[run.configIndex];
      return { index: run.index, cycle: run.cycle, configIndex: run.configIndex, hash: point?.hash ?? '', summary: point?.summary ?? '', label: labelOf(run.configIndex) };
    }),
    skipped: resolution.skipped.slice(0, DISPLAY_LIMIT).map((s) => ({
      label: s.label,
      values: skippedLabel(
        asJson(() => canonicalJson(s.raw as PyDict)),
        s.issues.map((issue) => issue.loc),
        { sweptKeys },
      ),
      reason: s.reason,
      origin: describeOrigin(s.origin),
    })),
    warnings: resolution.warnings.map((w) => ({ code: w.code, message: w.message, ...(w.path ? { path: w.path } : {}) })),
    deduplicated: resolution.deduplicated,
    estimate: {
      totalDurationSeconds: estimate.totalDurationSeconds,
      totalEnergyJoules: estimate.totalEnergyJoules,
      usesHeuristic: estimate.usesHeuristic,
      breakdown: { ...estimate.breakdown },
      basis: estimate.basis,
    },
  };
}

/** The study's sweep keys, for ordering labels; a YAML the plan accepted parses here too (errors give none). */
function sweptKeysOfYaml(yaml: string): string[] {
  try {
    return sweptKeysOf(parseYaml(yaml) as JsonValue);
  } catch {
    return [];
  }
}

/**
 * Plans a study YAML for the designer. Invalid input is an error result naming the field or line
 * (never a throw): the designer calls this on every edit.
 */
export function planCampaignYaml(yaml: string, profile: ProfileIdName, options: { dedupe?: boolean; learned?: LearnedPhasesTable } = {}): Result<CampaignPlanView> {
  try {
    // Studies from the designer have no file on disk: a relative `base:` cannot be resolved here.
    const plan = planStudyFromText(yaml, {
      profile,
      dedupe: options.dedupe ?? false,
      ...(options.learned ? { learnedPhases: lookupFromTable(options.learned) } : {}),
      readFile: (p) => {
        throw new CampaignError(`base: ${p} cannot be read from the designer; save the study next to its base file and plan it with llem-studio plan`);
      },
    });
    return ok(toPlanView(plan.resolution, plan.estimate, sweptKeysOfYaml(yaml)));
  } catch (e) {
    if (e instanceof CampaignError) {
      return err('invalid_campaign', e.message, {
        ...(e.path ? { path: e.path } : {}),
        ...(e.issues ? { issues: e.issues.map((i) => ({ path: i.loc.join('.'), message: i.msg })) } : {}),
      });
    }
    if (e instanceof YamlLoadError) return err('invalid_yaml', e.message);
    throw e;
  }
}
