/**
 * A throwaway sshd on 127.0.0.1 for `--ssh` tests: its own host key, a client key made here, authorized_keys in
 * the temp dir (root's ~/.ssh is not touched), and `SetEnv` so the remote side finds the test cluster's
 * slurm.conf. The client side gets `-o` options (port, key, known_hosts pinned to this host key).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './slurmCluster';

export interface SshServer {
  host: string;
  options: string[];
  stop(): void;
}

export function sshUnavailable(): string | null {
  for (const b of ['/usr/sbin/sshd', '/usr/bin/ssh', '/usr/bin/ssh-keygen', '/usr/bin/rsync']) if (!existsSync(b)) return `missing ${b} (apt-get install openssh-server rsync)`;
  if (process.getuid?.() !== 0) return 'the test sshd runs as root';
  return null;
}

export async function startSshServer(remoteEnv: Record<string, string>): Promise<SshServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-sshd-'));
  chmodSync(dir, 0o755);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'client_key')]);
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client_key.pub')), { mode: 0o600 });
  const port = await freePort();
  const setEnv = Object.entries(remoteEnv).map(([k, v]) => `${k}=${v}`).join(' ');
  writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${dir}/host_key`,
      `PidFile ${dir}/sshd.pid`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      `SetEnv ${setEnv}`,
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege-separation directory (the service normally makes it)
  const r = spawnSync('/usr/sbin/sshd', ['-f', path.join(dir, 'sshd_config'), '-E', path.join(dir, 'sshd.log')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sshd did not start: ${r.stderr}`);
  const hostKey = readFileSync(path.join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  const options = [`Port=${port}`, `IdentityFile=${dir}/client_key`, `UserKnownHostsFile=${dir}/known_hosts`, 'StrictHostKeyChecking=yes', 'IdentitiesOnly=yes'];
  return {
    host: 'root@127.0.0.1',
    options,
    stop() {
      try {
        process.kill(Number(readFileSync(path.join(dir, 'sshd.pid'), 'utf8').trim()), 'SIGTERM');
      } catch {
        /* not running */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
