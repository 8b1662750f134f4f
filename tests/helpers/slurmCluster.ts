/**
 * A real one-node SLURM cluster for tests (Debian's slurmctld/slurmd/munge, installed by .ci/run): its own munge
 * key and munged socket, a minimal slurm.conf in a temp dir, free ports, slurmctld + slurmd as root. Nothing is
 * shared with a system SLURM: every command the tests run gets SLURM_CONF pointing here.
 *
 * No GPUs here: the node declares none (no GresTypes), so campaigns are submitted with --gpus-per-task 0 and
 * the `--gpus-per-task` line is asserted as text in the bundle tests (tests/unit/slurm).
 * Accounting is off (no slurmdbd), so task states come from scontrol and the task files — the fallback path.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { missingDependency } from './externalDependency';

export interface SlurmCluster {
  dir: string;
  conf: string;
  node: string;
  env: NodeJS.ProcessEnv;
  stop(): void;
}

const BINARIES = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch', '/usr/bin/scontrol', '/usr/bin/scancel'];

/** Why the cluster cannot start here, or null. */
export function slurmUnavailable(): string | null {
  const missing = BINARIES.filter((b) => !existsSync(b));
  if (missing.length > 0) return `missing ${missing.join(', ')} (apt-get install slurmctld slurmd slurm-client munge)`;
  if (process.getuid?.() !== 0) return 'slurmd must run as root';
  if (spawnSync('id', ['munge']).status !== 0) return 'no "munge" user (the munge package makes it)';
  return null;
}

export function skipWithoutSlurm(): boolean {
  return missingDependency('SLURM test cluster', slurmUnavailable());
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function killPidFile(file: string): void {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid > 1) process.kill(pid, 'SIGTERM');
  } catch {
    /* not running */
  }
}

/** slurmstepd processes of this cluster: they run with their working directory inside its temp dir. */
function stepProcesses(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cwd.startsWith(dir + '/') && command.startsWith('slurmstepd')) pids.push(Number(name));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSlurmCluster(): Promise<SlurmCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-slurm-'));
  chmodSync(dir, 0o755); // munged (user munge) must reach its socket in here; jobs write into it as root
  const munge = path.join(dir, 'munge');
  mkdirSync(munge, { mode: 0o755 });
  for (const d of ['state', 'spool', 'log']) mkdirSync(path.join(dir, d));
  const uid = Number(execFileSync('id', ['-u', 'munge']).toString());
  const gid = Number(execFileSync('id', ['-g', 'munge']).toString());
  writeFileSync(path.join(munge, 'munge.key'), randomBytes(1024), { mode: 0o600 });
  chownSync(munge, uid, gid);
  chownSync(path.join(munge, 'munge.key'), uid, gid);
  const socket = path.join(munge, 'munge.sock');
  const started = spawnSync('runuser', ['-u', 'munge', '--', '/usr/sbin/munged', `--socket=${socket}`, `--key-file=${munge}/munge.key`, `--pid-file=${munge}/munged.pid`, `--log-file=${munge}/munged.log`, `--seed-file=${munge}/seed`], { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`munged did not start: ${started.stderr}`);

  const node = os.hostname().split('.')[0]!;
  const [ctlPort, dPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=llemtest',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctlPort}`,
      `SlurmdPort=${dPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/slurmctld.log`,
      `SlurmdLogFile=${dir}/log/slurmd.log`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'SchedulerType=sched/backfill',
      'ReturnToService=2',
      // Short KillWait: a task over its limit gets SIGTERM, then SIGKILL 2 s later (production default 30 s).
      'KillWait=2',
      // Finished jobs stay in the controller's memory for 10 min: without accounting that is where their state is.
      'MinJobAge=600',
      'SlurmctldTimeout=10',
      'SlurmdTimeout=10',
      'MessageTimeout=5',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${Math.max(1, os.cpus().length)} State=UNKNOWN`,
      `PartitionName=test Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const cluster: SlurmCluster = {
    dir,
    conf,
    node,
    env,
    stop() {
      // Jobs outlive the daemons (slurmstepd is on its own): cancel them and let SLURM end them first.
      spawnSync('scancel', ['--full', '--user=root'], { env });
      for (let i = 0; i < 40; i++) {
        const q = spawnSync('squeue', ['-h', '-o', '%i'], { env, encoding: 'utf8' });
        if (q.status !== 0 || q.stdout.trim() === '') break;
        spawnSync('sleep', ['0.25']);
      }
      // A job step that was still finishing has no daemon left to report to: end it (its cwd is in this dir).
      for (const pid of stepProcesses(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      killPidFile(`${dir}/slurmd.pid`);
      killPidFile(`${dir}/slurmctld.pid`);
      killPidFile(`${munge}/munged.pid`);
      // The daemons write into dir while they stop; give them a moment before removing it.
      spawnSync('sleep', ['0.5']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const [daemon, args] of [
    ['/usr/sbin/slurmctld', ['-i']],
    ['/usr/sbin/slurmd', []],
  ] as const) {
    const r = spawnSync(daemon, [...args], { env, encoding: 'utf8' });
    if (r.status !== 0) {
      cluster.stop();
      throw new Error(`${daemon} did not start: ${r.stderr}`);
    }
  }
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' });
    if (r.status === 0 && /^idle/m.test(r.stdout)) return cluster;
    await sleep(200);
  }
  const log = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').slice(-2000) : '(no log)');
  const message = `the test node never became idle.\nslurmctld: ${log(`${dir}/log/slurmctld.log`)}\nslurmd: ${log(`${dir}/log/slurmd.log`)}`;
  cluster.stop();
  throw new Error(message);
}
