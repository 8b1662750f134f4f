import { z } from 'zod';
import type { LlemSettings } from '../../contract/apiSettings';
import { err, ok, type Result } from '../../contract/result';
import type { LocateOptions } from '../runner/llemDiscovery';
import { isExecutableFile } from '../system/findExecutable';
import { LLEM_PATH_ENV } from '../system/probe';
import type { Db } from '../store/database';
import { parseTelemetrySpec } from '../telemetry/createSource';
import { deleteSetting, readSetting, writeSetting } from './appSettingsStore';

/**
 * Which llem the app runs and which GPU telemetry it records, as chosen on the Settings page (stored in
 * `app_settings`). A choice saved here wins; otherwise the environment (LLEM_STUDIO_LLEM, LLEM_STUDIO_TELEMETRY: tests,
 * demos and scripted set-ups) decides, then PATH / `auto`. The page shows both, so nothing is used silently.
 */
const LLEM_PATH_KEY = 'llem.path';
const PYTHON_KEY = 'llem.python';
const TELEMETRY_KEY = 'telemetry.source';
export const TELEMETRY_ENV = 'LLEM_STUDIO_TELEMETRY';

const PathSchema = z.string().min(1).max(4096);

export function readLlemSettings(db: Db, env: NodeJS.ProcessEnv): LlemSettings {
  return {
    llemPath: readSetting(db, LLEM_PATH_KEY, PathSchema),
    pythonInterpreter: readSetting(db, PYTHON_KEY, PathSchema),
    telemetrySource: readSetting(db, TELEMETRY_KEY, z.string()) ?? env[TELEMETRY_ENV] ?? 'auto',
    envLlemPath: env[LLEM_PATH_ENV] || null,
    envTelemetry: env[TELEMETRY_ENV] || null,
  };
}

/** The options `locateLlem` needs to find the llem this app uses: the stored path, else env, else the stored Python, else PATH. */
export function llemLocateOptions(db: Db, env: NodeJS.ProcessEnv): LocateOptions {
  const settings = readLlemSettings(db, env);
  return { configuredPath: settings.llemPath, pythonInterpreter: settings.pythonInterpreter, env };
}

/** The telemetry source campaigns record with: the Settings choice, else LLEM_STUDIO_TELEMETRY, else `auto`. */
export function effectiveTelemetrySpec(db: Db, env: NodeJS.ProcessEnv): string {
  return readSetting(db, TELEMETRY_KEY, z.string()) || env[TELEMETRY_ENV] || 'auto';
}

export interface LlemSettingsChange {
  llemPath?: string | null;
  pythonInterpreter?: string | null;
  telemetrySource?: string;
}

/** Saves what the Settings page changed; a path that is not an executable file is refused, naming the field. */
export function writeLlemSettings(db: Db, change: LlemSettingsChange): Result<null> {
  if (change.llemPath) {
    if (!isExecutableFile(change.llemPath)) return err('invalid_params', `${change.llemPath} is not an executable file.`, { path: 'llemPath' });
  }
  if (change.pythonInterpreter) {
    if (!isExecutableFile(change.pythonInterpreter)) return err('invalid_params', `${change.pythonInterpreter} is not an executable file.`, { path: 'pythonInterpreter' });
  }
  if (change.telemetrySource !== undefined) {
    const parsed = parseTelemetrySpec(change.telemetrySource);
    if (!parsed.ok) return err('invalid_params', parsed.error.message.replace('--telemetry', 'telemetry source'), { path: 'telemetrySource' });
  }
  const save = (key: string, value: string | null | undefined) => {
    if (value === undefined) return;
    if (value === null || value.trim() === '') deleteSetting(db, key);
    else writeSetting(db, key, value.trim());
  };
  save(LLEM_PATH_KEY, change.llemPath);
  save(PYTHON_KEY, change.pythonInterpreter);
  save(TELEMETRY_KEY, change.telemetrySource);
  return ok(null);
}
