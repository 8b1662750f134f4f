import { z } from 'zod';
import { err, ok, type Result } from '../../contract/result';
import { GUARDIAN_NODE_SOURCE } from './guardianNode';
import { GUARDIAN_PYTHON_SOURCE } from './guardianPython';

/**
 * The guardian is a tiny program (passed inline, so no file needs to ship beside a bundle) that sits between
 * the app and llem:
 *
 *   app ──(spawn, detached: own process group)──▶ guardian ──(same group)──▶ llem ──▶ llem's own children
 *        ◀──────── fd 3: JSON lines (spawned / exit / spawn-error) ────────
 *
 * Why: if the app dies without warning (kill -9, power-button quit, Electron crash) nothing else would stop
 * a GPU run that may last hours. The OS closes the app's end of fd 3 whatever way the app dies; the guardian
 * sees that, sends SIGINT to its group (llem exits 130 and releases the GPU), and SIGKILLs the group after a
 * grace period. While the app is alive the guardian ignores SIGINT, so the app's "SIGINT the group" reaches
 * llem and the guardian stays to report llem's real exit code or signal over fd 3. On Windows, which has no
 * process groups, it ends llem's tree with `taskkill /T /F`.
 *
 * One protocol, two implementations: Python (guardianPython.ts), run by the interpreter that runs llem, and
 * Node (guardianNode.ts), run by the CLI's or `serve`'s own Node. The desktop app always uses Python: its
 * Electron binary has the runAsNode fuse off, so it cannot run the Node one.
 */
export const GUARDIAN_MARKER = 'llem-studio-guardian';

/** Names the Python that runs the guardian, overriding the one found from llem (see core/runner/llemPython.ts). */
export const GUARDIAN_PYTHON_ENV = 'LLEM_STUDIO_PYTHON';

/** Messages the guardian writes on fd 3 (both implementations), validated at this process boundary. */
export const GuardianMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('spawned'), pid: z.number().int().positive() }),
  z.object({ type: z.literal('spawn-error'), message: z.string() }),
  z.object({ type: z.literal('exit'), code: z.number().int().nullable(), signal: z.string().nullable() }),
]);
export type GuardianMessage = z.infer<typeof GuardianMessageSchema>;

/** Which program watches over llem, and the executable that runs it. */
export type GuardianRuntime = { kind: 'python'; executable: string } | { kind: 'node'; executable: string };

export function isElectronRuntime(): boolean {
  return typeof process.versions.electron === 'string';
}

export interface GuardianChoice {
  /** The Python interpreter that runs llem (or the one configured for the guardian); null when none is known. */
  python: string | null;
  /** Where a Python was looked for, for the error when none was found. */
  lookedFor?: string;
  /** Default: whether this process is Electron (the desktop app's core process). */
  underElectron?: boolean;
  /** Default: this process's own executable (Node for the CLI and `serve`). */
  nodeExecutable?: string;
}

/**
 * Picks the guardian: Python whenever a Python is known (the same guardian in the desktop app and the CLI),
 * else this process's Node — except under Electron, where there is no Node to fall back on (runAsNode fuse
 * off): there, no Python is an error that says what is missing and where to set it. Never "no guardian".
 */
export function chooseGuardianRuntime(choice: GuardianChoice): Result<GuardianRuntime> {
  if (choice.python) return ok({ kind: 'python', executable: choice.python });
  const underElectron = choice.underElectron ?? isElectronRuntime();
  if (!underElectron) return ok({ kind: 'node', executable: choice.nodeExecutable ?? process.execPath });
  return err(
    'guardian_python_missing',
    'No Python interpreter was found to run the process guardian (the small program that stops llem if llem Studio ' +
      'quits unexpectedly), so no run was started. The desktop app runs it with the Python that runs llem' +
      `${choice.lookedFor ? `; looked at ${choice.lookedFor}` : ''}. ` +
      `Set the environment variable ${GUARDIAN_PYTHON_ENV} to that Python (for example /path/to/venv/bin/python) and start llem Studio again.`,
  );
}

/** The command line that starts `target` under the guardian (`runtime`), with its grace period in ms. */
export function guardianInvocation(target: { command: string; args: string[] }, graceMs: number, runtime: GuardianRuntime): { command: string; args: string[] } {
  const tail = [GUARDIAN_MARKER, String(Math.max(0, Math.round(graceMs))), target.command, ...target.args];
  if (runtime.kind === 'python') return { command: runtime.executable, args: ['-I', '-S', '-c', GUARDIAN_PYTHON_SOURCE, ...tail] };
  return { command: runtime.executable, args: ['-e', GUARDIAN_NODE_SOURCE, '--', ...tail] };
}
