import path from 'node:path';
import { z } from 'zod';
import { ClusterProfileSchema, type ClusterProfile, type SlurmTask, type slurmApiMethods } from '../../contract/apiSlurm';
import type { LlemProfile } from '../../contract/doctor';
import { PIP_RELEASE_PROFILE } from '../../contract/llem/profiles';
import { err, ok, type Result } from '../../contract/result';
import { planStudyFromText } from '../llem/studyPlanner';
import { CampaignError } from '../llem/types';
import { YamlLoadError } from '../llem/yaml11';
import { getCampaign } from '../campaigns/campaignStore';
import type { CoreContext } from '../coreContext';
import { planFromResolution } from '../runner/studyPlan';
import { readSetting, writeSetting } from '../settings/appSettingsStore';
import { cancelCampaign, collectCampaign, getSlurmCampaign, submitCampaign, type CollectReport } from '../slurm/slurmCampaign';
import type { TaskView } from '../slurm/taskView';
import type { MethodHandlers } from './dispatcher';
import { countCampaignRuns } from '../runner/runStore';

const PROFILES_KEY = 'slurm_cluster_profiles';

export function readClusterProfiles(ctx: CoreContext): ClusterProfile[] {
  return readSetting(ctx.db, PROFILES_KEY, z.array(ClusterProfileSchema)) ?? [];
}

function taskOf(t: TaskView): SlurmTask {
  return {
    index: t.index,
    state: t.state,
    reason: t.reason,
    message: t.message,
    slurmState: t.slurmState,
    jobId: t.jobId,
    host: t.host,
    gpuUuid: t.gpuUuid,
    cudaVisibleDevices: t.cudaVisibleDevices,
    startedAt: t.startedAt,
    endedAt: t.endedAt,
  };
}

/** Handlers of contract/apiSlurm.ts. */
export function createSlurmHandlers(ctx: CoreContext): Pick<MethodHandlers, keyof typeof slurmApiMethods> {
  // One collect per campaign at a time: the Runs page polls, and a slow SSH pull must not stack up.
  const collecting = new Map<string, Promise<Result<CollectReport>>>();
  return {
    'slurm.profiles': async () => ok(readClusterProfiles(ctx)),
    'slurm.saveProfiles': async ({ profiles }) => {
      const names = profiles.map((p) => p.name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) return err('invalid_params', `Two cluster profiles are called "${dup}".`, { path: 'profiles' });
      writeSetting(ctx.db, PROFILES_KEY, profiles);
      return ok(profiles);
    },
    'slurm.submit': async ({ campaignId, profile: profileName }) => {
      const profile = readClusterProfiles(ctx).find((p) => p.name === profileName);
      if (!profile) return err('not_found', `No cluster profile "${profileName}" (add one in Settings).`, { path: 'profile' });
      const document = getCampaign(ctx.db, campaignId);
      if (!document.ok) return document;
      if (!document.value.yaml) return err('no_design', 'This campaign has no study YAML stored; submit its file with llem-studio slurm submit.');
      const runsBefore = countCampaignRuns(ctx.db, campaignId);
      if (runsBefore > 0 && !getSlurmCampaign(ctx.db, campaignId)) return err('already_local', 'This campaign has run on this GPU; make a copy to run it on a cluster.');
      const llemProfile: LlemProfile = (document.value.profile as LlemProfile | null) ?? PIP_RELEASE_PROFILE;
      let plan;
      try {
        plan = planFromResolution(planStudyFromText(document.value.yaml, { profile: llemProfile }).resolution, `campaign:${campaignId}`);
      } catch (e) {
        if (e instanceof CampaignError || e instanceof YamlLoadError) return err('invalid_campaign', e.message);
        throw e;
      }
      plan = { ...plan, campaignId, name: document.value.name };
      const ssh = profile.host.trim() || null;
      const submitted = await submitCampaign(ctx.db, {
        plan,
        options: {
          workDir: profile.workDir,
          llemOnNodes: profile.llemPath,
          partition: profile.partition || null,
          account: profile.account || null,
          gpusPerTask: profile.gpusPerTask,
          maxParallel: profile.maxParallel,
          time: profile.time,
          sbatchArgs: [],
        },
        target: { sshHost: ssh, sshOptions: profile.sshOptions, env: ctx.env },
        localDir: ssh ? path.join(ctx.dataDir, 'slurm', campaignId) : path.join(profile.workDir, campaignId),
      });
      if (!submitted.ok) return submitted;
      return ok({ campaignId, jobId: submitted.value.jobId, submitted: submitted.value.indices.length, total: plan.runs.length });
    },
    'slurm.cancel': async ({ campaignId }) => cancelCampaign(ctx.db, campaignId, ctx.env),
    'slurm.tasks': async ({ campaignId }) => {
      const row = getSlurmCampaign(ctx.db, campaignId);
      if (!row) return ok({ isSlurm: false, where: null, source: null, tasks: [], problems: [] });
      let running = collecting.get(campaignId);
      if (!running) {
        running = collectCampaign(ctx.db, campaignId, ctx.env).finally(() => collecting.delete(campaignId));
        collecting.set(campaignId, running);
      }
      const report = await running;
      if (!report.ok) return report;
      const status = report.value.status;
      return ok({ isSlurm: true, where: row.ssh_host ?? 'this machine', source: status.source, tasks: status.tasks.map(taskOf), problems: report.value.problems });
    },
  };
}
