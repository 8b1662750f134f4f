import type { Command } from 'commander';
import { resolveDataDir } from '../dataDir';
import { formatBytes } from '../export/writeExport';
import {
  FileSecretStore,
  ingestTokenKey,
  prepareSubmission,
  pushSubmission,
  resolveEndpoint,
  resolveToken,
  TOKEN_ENV,
  type PushClientOptions,
  type SecretStore,
} from '../push/index';
import { openDatabase } from '../store/database';
import { APP_VERSION } from '../version';
import { collectOption } from './export';
import type { CommandOutput } from './import';

export interface PushCommandOptions {
  /** The platform's base URL (…/api/v1/submissions is appended unless already there). */
  url: string;
  dataDir: string;
  campaigns?: string[];
  /** Print exactly the body that would be sent (stdout) and what else would go out (stderr); send nothing. */
  dryRun?: boolean;
  /** Send only if the body's Idempotency-Key (sha256) is this one, i.e. exactly what a dry run showed. */
  expectKey?: string;
  /** Store LLEM_STUDIO_TOKEN for this platform once the platform has accepted it. */
  saveToken?: boolean;
  /** Defaults to process.env (LLEM_STUDIO_TOKEN). */
  env?: NodeJS.ProcessEnv;
  /** Defaults to the 0600 file in the data directory. */
  secretStore?: SecretStore;
  /** Timeouts, retries, limits (tests shorten them). */
  client?: PushClientOptions;
}

/**
 * `llem-studio push --url URL [--campaign ID]... [--dry-run] [--expect-key KEY] [--save-token] [--data-dir DIR]`.
 * Exit 0 accepted (created or duplicate) / dry run printed, 1 failed (nothing marked as pushed), 2 usage error.
 */
export async function runPushCommand(options: PushCommandOptions): Promise<CommandOutput> {
  const fail = (exitCode: number, message: string): CommandOutput => ({ exitCode, stdout: '', stderr: `llem-studio push: ${message}\n` });
  const endpoint = resolveEndpoint(options.url ?? '');
  if (!endpoint.ok) return fail(2, endpoint.error.message);
  if (options.dryRun && options.saveToken) return fail(2, '--save-token needs a real push: the token is stored once the platform accepts it');
  if (options.expectKey !== undefined && !/^[0-9a-f]{64}$/.test(options.expectKey)) {
    return fail(2, '--expect-key must be the 64-character Idempotency-Key a dry run printed');
  }
  const env = options.env ?? process.env;
  const store = options.secretStore ?? new FileSecretStore(options.dataDir);
  if (options.saveToken && !env[TOKEN_ENV]?.trim()) return fail(2, `--save-token stores the token given in ${TOKEN_ENV}; it is not set`);

  const opened = openDatabase(options.dataDir);
  if (!opened.ok) return fail(1, opened.error.message);
  const db = opened.value;
  try {
    const prepared = prepareSubmission(db, {
      ...(options.campaigns && options.campaigns.length > 0 ? { campaignIds: options.campaigns } : {}),
      generatorVersion: APP_VERSION,
    });
    if (!prepared.ok) {
      const issues = prepared.error.issues?.map((i) => `  ${i.path}: ${i.message}\n`).join('') ?? '';
      return { exitCode: 1, stdout: '', stderr: `llem-studio push: ${prepared.error.message}\n${issues}` };
    }
    const s = prepared.value;

    if (options.dryRun) {
      const token = await resolveToken(endpoint.value.origin, store, env);
      const auth = token.ok ? `Bearer <token from ${token.value.source === 'env' ? TOKEN_ENV : 'the stored token'}, not shown>` : `<no token: ${token.error.message}>`;
      const preview = [
        'Dry run: nothing was sent. This is exactly what a push would send:',
        `POST ${endpoint.value.url}`,
        'Content-Type: application/json',
        `Authorization: ${auth}`,
        `Idempotency-Key: ${s.idempotencyKey}`,
        `Body: ${s.bytes} bytes (${formatBytes(s.bytes)}), ${s.entries} entr${s.entries === 1 ? 'y' : 'ies'}, printed on stdout`,
        `To send exactly this body: llem-studio push --url ${options.url} ${(options.campaigns ?? []).map((c) => `--campaign ${c} `).join('')}--expect-key ${s.idempotencyKey}`,
      ];
      // stdout is the body byte for byte: `> body.json` reproduces it, and its sha256 is the Idempotency-Key.
      return { exitCode: 0, stdout: s.body, stderr: `${preview.join('\n')}\n` };
    }

    if (options.expectKey !== undefined && options.expectKey !== s.idempotencyKey) {
      return fail(1, `the data changed since the preview (its Idempotency-Key is now ${s.idempotencyKey}); nothing was sent. Run --dry-run again to review it.`);
    }
    const token = await resolveToken(endpoint.value.origin, store, env);
    if (!token.ok) return fail(1, token.error.message);

    const progress: string[] = [];
    const pushed = await pushSubmission(db, {
      endpoint: endpoint.value,
      token: token.value.token,
      submission: s,
      client: {
        ...options.client,
        onAttempt: (e) => {
          if (e.retryInMs !== undefined) progress.push(`attempt ${e.attempt}: ${e.problem}; retrying in ${(e.retryInMs / 1000).toFixed(1)} s`);
          options.client?.onAttempt?.(e);
        },
      },
    });
    const progressText = progress.map((l) => `llem-studio push: ${l}\n`).join('');
    if (!pushed.ok) {
      const issues = pushed.error.issues?.map((i) => `  ${i.path}: ${i.message}\n`).join('') ?? '';
      return { exitCode: 1, stdout: '', stderr: `${progressText}llem-studio push: ${pushed.error.message}\n${issues}` };
    }
    const r = pushed.value;
    let saved = '';
    if (options.saveToken && token.value.source === 'env') {
      const stored = await store.set(ingestTokenKey(endpoint.value.origin), token.value.token);
      saved = stored.ok ? `Token stored for ${endpoint.value.origin} in ${store.description}.\n` : `Warning: the token was not stored: ${stored.error.message}\n`;
    }
    const what = r.status === 'created' ? 'accepted as a new submission' : 'already there (duplicate of an earlier push; nothing changed)';
    return {
      exitCode: 0,
      stdout: `Pushed ${s.entries} entr${s.entries === 1 ? 'y' : 'ies'} to ${endpoint.value.url}: ${what}. Submission id ${r.submission_id}.\n${saved}`,
      stderr: progressText,
    };
  } finally {
    db.close();
  }
}

/** Adds `push` to the CLI; `emit` writes a command's output and sets the exit code (core/cli/index.ts). */
export function registerPushCommand(program: Command, emit: (output: CommandOutput) => void): void {
  program
    .command('push')
    .description(`send leaderboard entries to an ingest platform (https; token from ${TOKEN_ENV} or the stored one)`)
    .requiredOption('--url <url>', 'platform URL (https, or http on a loopback address)')
    .option('--campaign <id>', 'only this campaign (repeatable)', collectOption)
    .option('--dry-run', 'print exactly the body that would be sent (stdout) and the request (stderr); send nothing')
    .option('--expect-key <key>', 'send only if the body still has this Idempotency-Key (printed by --dry-run)')
    .option('--save-token', `store ${TOKEN_ENV} for this platform once the platform accepts the push`)
    .option('--data-dir <dir>', 'data directory (default: LLEM_STUDIO_DATA_DIR or the app data folder)')
    .action(async (o: { url: string; campaign?: string[]; dryRun?: boolean; expectKey?: string; saveToken?: boolean; dataDir?: string }) => {
      emit(
        await runPushCommand({
          url: o.url,
          ...(o.campaign ? { campaigns: o.campaign } : {}),
          dryRun: !!o.dryRun,
          ...(o.expectKey !== undefined ? { expectKey: o.expectKey } : {}),
          saveToken: !!o.saveToken,
          dataDir: resolveDataDir(o.dataDir),
        }),
      );
    });
}
