import { createHash } from 'node:crypto';
import path from 'node:path';
import type { LlemProfile } from '../../contract/doctor';
import { err, ok, type Result } from '../../contract/result';
import { parseLlemFile, resolveStudy } from '../llem/studyPlanner';
import { readStudyFile } from '../llem/studyFiles';
import type { StudyResolution } from '../llem/types';
import type { CampaignPlan, RunPlanItem } from './runPlan';

/**
 * Study file → the runner's plan, through the llem study model (core/llem): PyYAML-exact loading, llem's
 * expansion/validation/hashing and its run order (shuffle included), for the detected llem profile.
 */
export function planStudyFile(file: string, profile: LlemProfile, options: { newCampaign?: boolean } = {}): Result<CampaignPlan> {
  const absolute = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = readStudyFile(absolute);
  } catch (e) {
    return err('study_unreadable', `Cannot read the study file: ${(e as Error).message}`, { path: absolute });
  }
  let resolution: StudyResolution;
  try {
    // The same loading and profile dispatch as `llem-studio plan` (contract profiles and the PyPI release).
    const parsed = parseLlemFile(bytes, absolute);
    resolution = resolveStudy(parsed, profile, { file: absolute, readFile: readStudyFile });
  } catch (e) {
    const x = e as Error & { path?: string; issues?: { loc: (string | number)[]; msg: string }[] };
    const issues = x.issues?.map((i) => ({ path: i.loc.join('.'), message: i.msg }));
    return err('invalid_study', `${absolute}: ${x.message}`, { path: x.path ? `${absolute}#${x.path}` : absolute, ...(issues ? { issues } : {}) });
  }
  return ok(planFromResolution(resolution, absolute, options));
}

export function planFromResolution(resolution: StudyResolution, sourcePath: string, options: { newCampaign?: boolean } = {}): CampaignPlan {
  const runs: RunPlanItem[] = resolution.runs.map((r) => {
    const point = resolution.valid[r.configIndex]!;
    return {
      index: r.index,
      cycle: r.cycle,
      configIndex: r.configIndex,
      measurementConfigHash: point.hash,
      summary: point.summary,
      configJson: point.canonical,
      experimentConfig: point.raw,
    };
  });
  const gaps = { experimentGapSeconds: resolution.execution.experimentGapSeconds, cycleGapSeconds: resolution.execution.cycleGapSeconds };
  // Same study content (configs, order, gaps, profile) ⇒ same campaign id ⇒ running the file again resumes it.
  const identity = JSON.stringify({ profile: resolution.profile, name: resolution.name, runs: runs.map((r) => r.measurementConfigHash), gaps });
  let campaignId = `study-${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
  if (options.newCampaign) campaignId += `-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}`;
  return {
    campaignId,
    name: resolution.name ?? path.basename(sourcePath).replace(/\.(ya?ml|json)$/i, ''),
    studyJson: JSON.stringify({ source: sourcePath, kind: resolution.kind, profile: resolution.profile, studyDesignHash: resolution.studyDesignHash, warnings: resolution.warnings }),
    studyDesignHash: resolution.studyDesignHash || null,
    llemProfile: resolution.profile,
    runs,
    gaps,
  };
}
