import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, detectProfile, parseProfileName, parseVersionLine } from '../../../core/llem/profiles';

describe('llem profile detection (behaviour first, version string second)', () => {
  it('no llem → the PyPI release users get from pip install (0.7.0), and the reason says how to install it', () => {
    expect(detectProfile({})).toMatchObject({ profile: 'pypi-0.7.0', confident: true });
    expect(detectProfile({}).reason).toContain('pip install llenergymeasure');
    expect(DEFAULT_PROFILE).toBe('head');
  });
  it('accepting the v2.0 shape means the PyPI release, whatever the string says', () => {
    expect(detectProfile({ versionOutput: 'llem v0.7.0\n', acceptsV2Shape: true })).toMatchObject({ profile: 'pypi-0.7.0', confident: true });
    expect(detectProfile({ versionOutput: 'llem v0.9.1', acceptsV2Shape: true, acceptsHeadShape: false })).toMatchObject({ profile: 'pypi-0.7.0', confident: false });
  });
  it('dataset_order accepted → HEAD even with a misleading version string', () => {
    expect(detectProfile({ versionOutput: 'llem v1.18.0', acceptsHeadShape: true })).toMatchObject({ profile: 'head', confident: true });
  });
  it('dataset_order rejected: study mode decides v0.8 vs v0.7', () => {
    expect(detectProfile({ acceptsHeadShape: false, helpListsCycles: true }).profile).toBe('v0.8');
    expect(detectProfile({ acceptsHeadShape: false, helpListsCycles: false }).profile).toBe('v0.7');
    expect(detectProfile({ acceptsHeadShape: false, versionOutput: 'llem v1.17.0' }).profile).toBe('v0.7');
  });
  it('version string only (not probed): mapped, marked not confident', () => {
    expect(detectProfile({ versionOutput: 'llem v0.8.0' })).toMatchObject({ profile: 'head', confident: false });
    expect(detectProfile({ versionOutput: 'llem v1.18.0' })).toMatchObject({ profile: 'v0.8', confident: false });
    expect(detectProfile({ versionOutput: 'llem v1.17.0' })).toMatchObject({ profile: 'v0.7', confident: false });
    expect(detectProfile({ versionOutput: 'llem v0.7.0' })).toMatchObject({ profile: 'pypi-0.7.0', confident: false });
    expect(detectProfile({ versionOutput: 'garbage' })).toMatchObject({ profile: 'head', confident: false });
  });
  it('parses names and version lines', () => {
    expect(parseProfileName('PyPI')).toBe('pypi-0.7.0');
    expect(parseProfileName('v1.18.0')).toBe('v0.8');
    expect(parseProfileName('head')).toBe('head');
    expect(parseProfileName('v9')).toBeNull();
    expect(parseVersionLine('llem v1.17.0\n')).toBe('1.17.0');
  });
});
