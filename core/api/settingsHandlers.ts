import type { settingsApiMethods, PlatformSettings } from '../../contract/apiSettings';
import { err, ok, type Result } from '../../contract/result';
import { doctor } from '../cli/doctor';
import type { CoreContext } from '../coreContext';
import { resolveEndpoint } from '../push/endpoint';
import { ingestTokenKey } from '../push/secretStore';
import { deleteSetting, readSetting, writeSetting } from '../settings/appSettingsStore';
import { effectiveTelemetrySpec, llemLocateOptions, readLlemSettings, writeLlemSettings } from '../settings/llemSettings';
import { z } from 'zod';
import type { MethodHandlers } from './dispatcher';

const PLATFORM_URL_KEY = 'platform_url';

/** The platform URL saved on the Settings page, or null (push.* reads it too). */
export function readPlatformUrl(ctx: CoreContext): string | null {
  return readSetting(ctx.db, PLATFORM_URL_KEY, z.string());
}

async function platformSettings(ctx: CoreContext): Promise<Result<PlatformSettings>> {
  const url = readPlatformUrl(ctx);
  let tokenStored = false;
  if (url) {
    const endpoint = resolveEndpoint(url);
    if (endpoint.ok) {
      const token = await ctx.secrets.get(ingestTokenKey(endpoint.value.origin));
      if (!token.ok) return token;
      tokenStored = token.value !== null;
    }
  }
  return ok({ url, tokenStored, tokenStore: ctx.secrets.description });
}

export function createSettingsHandlers(ctx: CoreContext): Pick<MethodHandlers, keyof typeof settingsApiMethods> {
  return {
    'settings.doctor': async () => ok(await doctor({ ...llemLocateOptions(ctx.db, ctx.env), telemetrySpec: effectiveTelemetrySpec(ctx.db, ctx.env) })),
    'settings.llem': async () => ok(readLlemSettings(ctx.db, ctx.env)),
    'settings.setLlem': async (change) => {
      const saved = writeLlemSettings(ctx.db, change);
      return saved.ok ? ok(readLlemSettings(ctx.db, ctx.env)) : saved;
    },
    'settings.platform': async () => platformSettings(ctx),
    'settings.setPlatform': async ({ url, token, clearToken }) => {
      if (url === null) {
        deleteSetting(ctx.db, PLATFORM_URL_KEY);
        if (token) return err('invalid_params', 'Set the platform URL before its token: a token is bound to one platform.', { path: 'token' });
        return platformSettings(ctx);
      }
      const endpoint = resolveEndpoint(url);
      if (!endpoint.ok) return endpoint;
      writeSetting(ctx.db, PLATFORM_URL_KEY, url.trim());
      const key = ingestTokenKey(endpoint.value.origin);
      if (clearToken) {
        const removed = await ctx.secrets.delete(key);
        if (!removed.ok) return removed;
      }
      if (token) {
        const stored = await ctx.secrets.set(key, token);
        if (!stored.ok) return stored;
      }
      return platformSettings(ctx);
    },
  };
}
