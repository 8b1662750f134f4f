import { InvalidArgumentError, type Command } from 'commander';
import path from 'node:path';
import { LlemProfileSchema, type LlemProfile } from '../../contract/doctor';
import { PIP_RELEASE_PROFILE } from '../../contract/llem/profiles';
import { resolveDataDir } from '../dataDir';
import { detectInstalledProfile } from '../runner/llemProfileProbe';
import { planStudyFile } from '../runner/studyPlan';
import { openDatabase, type Db } from '../store/database';
import type { SlurmSubmitOptions } from '../slurm/bundle';
import { cancelCampaign, collectCampaign, campaignStatus, submitCampaign } from '../slurm/slurmCampaign';
import type { TaskView } from '../slurm/taskView';

/** What a command hands back (index.ts's `emit` writes it): testable without a process. */
export interface CommandOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export const SLURM_EXIT = { ok: 0, someFailed: 1, invalidInput: 2 } as const;

/** Strings from task files and SLURM reach the terminal: no control characters (escape sequences) get through. */
export function terminalText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export interface SubmitCommandOptions {
  studyFile: string;
  dataDir: string;
  llem?: string;
  llemProfile?: string;
  workDir?: string;
  partition?: string;
  account?: string;
  gpusPerTask: number;
  maxParallel: number;
  time: string;
  sbatchArgs: string[];
  ssh?: string;
  sshOptions: string[];
  env?: NodeJS.ProcessEnv;
}

function withDb<T>(dataDir: string, body: (db: Db) => Promise<T>): Promise<T | CommandOutput> {
  const opened = openDatabase(dataDir);
  if (!opened.ok) return Promise.resolve({ exitCode: SLURM_EXIT.someFailed, stdout: '', stderr: `llem-studio slurm: ${opened.error.message}\n` });
  const db = opened.value;
  return body(db).finally(() => db.close());
}

const fail = (code: number, message: string): CommandOutput => ({ exitCode: code, stdout: '', stderr: `llem-studio slurm: ${terminalText(message)}\n` });

async function profileFor(o: SubmitCommandOptions): Promise<{ profile: LlemProfile; note: string | null } | CommandOutput> {
  if (o.llemProfile) {
    const p = LlemProfileSchema.safeParse(o.llemProfile);
    return p.success ? { profile: p.data, note: null } : fail(SLURM_EXIT.invalidInput, `--llem-profile: "${o.llemProfile}" is not one of ${LlemProfileSchema.options.join(', ')}`);
  }
  if (o.ssh) return { profile: PIP_RELEASE_PROFILE, note: 'the llem on the cluster is not probed over SSH: writing configs for PyPI 0.7.0 (what pip installs); pass --llem-profile otherwise' };
  // Without --ssh the llem path on the nodes is on this machine's (shared) filesystem too: probe it like `run` does.
  const detected = await detectInstalledProfile({ configuredPath: o.llem ?? null, env: o.env });
  return detected.profile ? { profile: detected.profile, note: null } : fail(SLURM_EXIT.invalidInput, `cannot tell which llem the nodes run: ${detected.note} Pass --llem-profile.`);
}

export async function runSlurmSubmit(o: SubmitCommandOptions): Promise<CommandOutput> {
  const env = o.env ?? process.env;
  if (o.ssh && !o.workDir) return fail(SLURM_EXIT.invalidInput, '--work-dir is required with --ssh (a directory on the cluster\'s shared filesystem)');
  if (o.ssh && !o.llem) return fail(SLURM_EXIT.invalidInput, '--llem is required with --ssh (the llem executable on the compute nodes)');
  const profile = await profileFor(o);
  if ('exitCode' in profile) return profile;
  const planned = planStudyFile(o.studyFile, profile.profile);
  if (!planned.ok) {
    const issues = (planned.error.issues ?? []).map((i) => `  ${i.path}: ${i.message}`).join('\n');
    return fail(SLURM_EXIT.invalidInput, planned.error.message + (issues ? `\n${issues}` : ''));
  }
  const plan = planned.value;
  const workDir = path.resolve(o.workDir ?? path.join(o.dataDir, 'slurm-work'));
  const options: SlurmSubmitOptions = {
    workDir: o.ssh ? (o.workDir ?? '') : workDir,
    llemOnNodes: o.llem ?? 'llem',
    partition: o.partition ?? null,
    account: o.account ?? null,
    gpusPerTask: o.gpusPerTask,
    maxParallel: o.maxParallel,
    time: o.time,
    sbatchArgs: o.sbatchArgs,
  };
  return withDb(o.dataDir, async (db) => {
    const localDir = o.ssh ? path.join(o.dataDir, 'slurm', plan.campaignId) : path.join(workDir, plan.campaignId);
    const r = await submitCampaign(db, { plan, options, target: { sshHost: o.ssh ?? null, sshOptions: o.sshOptions, env }, localDir });
    if (!r.ok) return fail(r.error.code === 'invalid_option' ? SLURM_EXIT.invalidInput : SLURM_EXIT.someFailed, r.error.message);
    const notes = profile.note ? `note: ${profile.note}\n` : '';
    const v = r.value;
    if (v.jobId === null) {
      const why = v.stillActive.length > 0 ? `${v.stillActive.length} still queued or running, ${v.alreadyDone} with results` : `all ${v.alreadyDone} tasks have results`;
      return { exitCode: 0, stdout: `campaign ${v.campaignId}\njob none (nothing to submit: ${why})\n`, stderr: notes };
    }
    return {
      exitCode: 0,
      stdout: `campaign ${v.campaignId}\njob ${v.jobId}\n`,
      stderr: `${notes}submitted ${v.indices.length} of ${plan.runs.length} tasks (array ${v.arraySpec}) from ${v.bundleDir}${v.alreadyDone ? `; ${v.alreadyDone} already have results` : ''}\n`,
    };
  }) as Promise<CommandOutput>;
}

function taskLine(t: TaskView): string {
  const where = [t.host, t.gpuUuid].filter(Boolean).join(' ');
  const parts = [`${String(t.index).padStart(4)}`, t.state.padEnd(9), (t.reason ?? '').padEnd(13), (t.slurmState ?? '-').padEnd(22), where || '-'];
  if (t.message && t.state !== 'succeeded') parts.push(`— ${t.message}`);
  return terminalText(parts.join('  '));
}

export async function runSlurmStatus(o: { campaign: string; dataDir: string; json: boolean; env?: NodeJS.ProcessEnv }): Promise<CommandOutput> {
  return withDb(o.dataDir, async (db) => {
    const r = await campaignStatus(db, o.campaign, o.env ?? process.env);
    if (!r.ok) return fail(SLURM_EXIT.someFailed, r.error.message);
    const tasks = r.value.tasks.map(({ result, ...t }) => ({ ...t, resultPath: result?.resultPath ?? null }));
    if (o.json) return { exitCode: 0, stdout: JSON.stringify({ campaign: r.value.campaignId, bundleDir: r.value.bundleDir, source: r.value.source, tasks, problems: r.value.problems }, null, 1) + '\n', stderr: '' };
    const lines = [`campaign ${o.campaign} (SLURM state from ${r.value.source}; bundle ${terminalText(r.value.bundleDir)})`, ' idx  state      reason         slurm                   host / GPU', ...r.value.tasks.map(taskLine)];
    return { exitCode: 0, stdout: lines.join('\n') + '\n', stderr: r.value.problems.map((p) => `warning: ${terminalText(p)}\n`).join('') };
  }) as Promise<CommandOutput>;
}

export async function runSlurmCollect(o: { campaign: string; dataDir: string; env?: NodeJS.ProcessEnv }): Promise<CommandOutput> {
  return withDb(o.dataDir, async (db) => {
    const r = await collectCampaign(db, o.campaign, o.env ?? process.env);
    if (!r.ok) return fail(SLURM_EXIT.someFailed, r.error.message);
    const v = r.value;
    const lines = [`imported ${v.imported.length} result(s)${v.imported.length ? ` (tasks ${v.imported.join(', ')})` : ''}; ${v.active.length} still queued or running; ${v.failed.length} failed or cancelled`];
    for (const f of v.failed) lines.push(terminalText(`  task ${f.index}: ${f.reason ?? 'failed'} — ${f.message ?? ''}`));
    return { exitCode: v.failed.length > 0 ? SLURM_EXIT.someFailed : 0, stdout: lines.join('\n') + '\n', stderr: v.problems.map((p) => `warning: ${terminalText(p)}\n`).join('') };
  }) as Promise<CommandOutput>;
}

export async function runSlurmCancel(o: { campaign: string; dataDir: string; env?: NodeJS.ProcessEnv }): Promise<CommandOutput> {
  return withDb(o.dataDir, async (db) => {
    const r = await cancelCampaign(db, o.campaign, o.env ?? process.env);
    if (!r.ok) return fail(SLURM_EXIT.someFailed, r.error.message);
    return { exitCode: 0, stdout: `cancelled job(s) ${r.value.jobIds.join(' ') || '(none submitted)'}\n`, stderr: '' };
  }) as Promise<CommandOutput>;
}

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}
const collectAll = (value: string, previous: string[]) => [...previous, value];

export function registerSlurmCommand(program: Command, emit: (r: CommandOutput) => void): void {
  const slurm = program.command('slurm').description('run a study as a SLURM job array on a GPU cluster (docs/slurm.md)');
  slurm
    .command('submit')
    .description('write the campaign bundle and submit it as an array job; again on the same study resubmits only tasks without a result')
    .argument('<study.yaml>', 'llem study or experiment file')
    .option('--data-dir <dir>', 'data directory (default: LLEM_STUDIO_DATA_DIR or the app data folder)')
    .option('--llem <path>', 'llem on the compute nodes (default: llem on their PATH)')
    .option('--llem-profile <name>', `llem version profile of the nodes' llem (default: probed locally; ${PIP_RELEASE_PROFILE} with --ssh)`)
    .option('--work-dir <dir>', 'shared-filesystem directory for bundles (default: <data dir>/slurm-work; required with --ssh)')
    .option('--partition <p>', 'SLURM partition')
    .option('--account <a>', 'SLURM account')
    .option('--gpus-per-task <n>', 'whole GPUs per task (0: request none, for CPU-only test clusters)', positiveInt, 1)
    .option('--max-parallel <n>', 'tasks running at once (1 keeps llem\'s order on one GPU)', positiveInt, 1)
    .option('--time <t>', 'time limit per task (SLURM format)', '02:00:00')
    .option('--sbatch-arg <arg>', 'extra sbatch option, repeatable', collectAll, [])
    .option('--ssh <host>', 'submit on this login node over SSH; the bundle goes there and results come back with rsync')
    .option('--ssh-option <opt>', 'ssh -o option (e.g. Port=2222), repeatable', collectAll, [])
    .action(async (studyFile: string, opts: Record<string, unknown>) => {
      emit(
        await runSlurmSubmit({
          studyFile,
          dataDir: resolveDataDir(opts.dataDir as string | undefined),
          llem: opts.llem as string | undefined,
          llemProfile: opts.llemProfile as string | undefined,
          workDir: opts.workDir as string | undefined,
          partition: opts.partition as string | undefined,
          account: opts.account as string | undefined,
          gpusPerTask: opts.gpusPerTask as number,
          maxParallel: opts.maxParallel as number,
          time: opts.time as string,
          sbatchArgs: opts.sbatchArg as string[],
          ssh: opts.ssh as string | undefined,
          sshOptions: opts.sshOption as string[],
        }),
      );
    });
  const dataDirOption = ['--data-dir <dir>', 'data directory (default: LLEM_STUDIO_DATA_DIR or the app data folder)'] as const;
  slurm
    .command('status')
    .description('per-task state (squeue/sacct, or the task files when accounting is off)')
    .argument('<campaign>', 'campaign id printed by submit')
    .option(...dataDirOption)
    .option('--json', 'print JSON')
    .action(async (campaign: string, opts: { dataDir?: string; json?: boolean }) => emit(await runSlurmStatus({ campaign, dataDir: resolveDataDir(opts.dataDir), json: !!opts.json })));
  slurm
    .command('collect')
    .description('import every finished task into the data directory (idempotent)')
    .argument('<campaign>', 'campaign id')
    .option(...dataDirOption)
    .action(async (campaign: string, opts: { dataDir?: string }) => emit(await runSlurmCollect({ campaign, dataDir: resolveDataDir(opts.dataDir) })));
  slurm
    .command('cancel')
    .description('scancel the campaign\'s array jobs')
    .argument('<campaign>', 'campaign id')
    .option(...dataDirOption)
    .action(async (campaign: string, opts: { dataDir?: string }) => emit(await runSlurmCancel({ campaign, dataDir: resolveDataDir(opts.dataDir) })));
}
