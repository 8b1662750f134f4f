import type { CampaignPlanView, ProfileIdName } from '../../contract/api';
import { err, ok, type Result } from '../../contract/result';
import { planStudyFromText } from '../campaign/plan';
import { CampaignError, type PointOrigin, type StudyResolution } from '../campaign/types';
import { YamlLoadError } from '../campaign/yaml11';
import type { CampaignEstimate } from '../campaign/estimate';

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

export function toPlanView(resolution: StudyResolution, estimate: CampaignEstimate): CampaignPlanView {
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
      origin: describeOrigin(point.origin),
    })),
    runs: resolution.runs.slice(0, DISPLAY_LIMIT).map((run) => {
      const point = resolution.valid[run.configIndex];
      return { index: run.index, cycle: run.cycle, configIndex: run.configIndex, hash: point?.hash ?? '', summary: point?.summary ?? '' };
    }),
    skipped: resolution.skipped.slice(0, DISPLAY_LIMIT).map((s) => ({ label: s.label, reason: s.reason, origin: describeOrigin(s.origin) })),
    warnings: resolution.warnings.map((w) => ({ code: w.code, message: w.message, ...(w.path ? { path: w.path } : {}) })),
    deduplicated: resolution.deduplicated,
    estimate: {
      totalDurationSeconds: estimate.totalDurationSeconds,
      totalEnergyJoules: estimate.totalEnergyJoules,
      usesHeuristic: estimate.usesHeuristic,
      breakdown: { ...estimate.breakdown },
    },
  };
}

/**
 * Plans a study YAML for the designer. Invalid input is an error result naming the field or line
 * (never a throw): the designer calls this on every edit.
 */
export function planCampaignYaml(yaml: string, profile: ProfileIdName, options: { dedupe?: boolean } = {}): Result<CampaignPlanView> {
  try {
    // Studies from the designer have no file on disk: a relative `base:` cannot be resolved here.
    const plan = planStudyFromText(yaml, {
      profile,
      dedupe: options.dedupe ?? false,
      readFile: (p) => {
        throw new CampaignError(`base: ${p} cannot be read from the designer; save the study next to its base file and plan it with llem-studio plan`);
      },
    });
    return ok(toPlanView(plan.resolution, plan.estimate));
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
