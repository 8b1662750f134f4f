/**
 * The profile probes against the REAL llem (PyPI llenergymeasure in the venv of scripts/setup-llem-venv.sh): its
 * own `llem run --dry-run` must accept the v2.0 probe and reject the HEAD one, so the app writes for `pypi-0.7.0`.
 * Skips (printing why) without the venv; fails instead under CI=true.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearLlemProfileCache, detectLlemProfile } from '../../../core/runner/llemProfileProbe';
import { locateLlemVenv, requireLlemOrSkip } from '../../helpers/llemOracle';

const skip = requireLlemOrSkip();

describe.skipIf(skip)('profile detection against the real llem from PyPI', () => {
  it('detects pypi-0.7.0 from what the installed llem accepts', async () => {
    const venv = locateLlemVenv();
    if (!venv.found) throw new Error(venv.reason);
    clearLlemProfileCache();
    const command = path.join(path.dirname(venv.python), 'llem');
    const r = await detectLlemProfile({ command, args: [], source: 'configured', display: command });
    if (!r.ok) throw new Error(r.error.message);
    console.log(`real llem ${r.value.version}: profile ${r.value.profile} — ${r.value.reason}`);
    expect(r.value).toMatchObject({ profile: 'pypi-0.7.0', guessed: false, evidence: { acceptsV2Shape: true, acceptsHeadShape: false } });
  }, 180_000);
});
