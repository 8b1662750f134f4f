import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterProfile } from '../../../contract/apiSlurm';
import { failure, startTestCore, value } from '../api/results/helpers';

/** The app's SLURM methods without a cluster: profiles kept and validated, submit/tasks refusing what they cannot do. */
let t: ReturnType<typeof startTestCore>;
beforeEach(() => (t = startTestCore()));
afterEach(() => t.stop());

const PROFILE: ClusterProfile = { name: 'lab', host: 'me@login.example.edu', sshOptions: ['Port=2222'], partition: 'gpu', account: 'energy', workDir: '/scratch/me/llem', llemPath: '/opt/venv/bin/llem', maxParallel: 4, gpusPerTask: 1, time: '1:00:00' };

describe('slurm.* API', () => {
  it('keeps cluster profiles across reads, and refuses duplicate names and unsafe fields with the field named', async () => {
    expect(value(await t.call('slurm.profiles', {}))).toEqual([]);
    value(await t.call('slurm.saveProfiles', { profiles: [PROFILE] }));
    expect(value(await t.call('slurm.profiles', {}))).toEqual([PROFILE]);
    expect(failure(await t.call('slurm.saveProfiles', { profiles: [PROFILE, PROFILE] })).message).toMatch(/Two cluster profiles are called "lab"/);
    const bad = failure(await t.call('slurm.saveProfiles', { profiles: [{ ...PROFILE, workDir: 'relative dir' }] }));
    expect(bad.issues?.[0]?.path).toBe('profiles.0.workDir');
    expect(failure(await t.call('slurm.saveProfiles', { profiles: [{ ...PROFILE, gpusPerTask: 0.5 }] })).issues?.[0]?.path).toBe('profiles.0.gpusPerTask');
    expect(failure(await t.call('slurm.saveProfiles', { profiles: [{ ...PROFILE, host: 'x; rm -rf /' }] })).issues?.[0]?.path).toBe('profiles.0.host');
    expect(value(await t.call('slurm.profiles', {}))).toEqual([PROFILE]);
  });

  it('submit names a missing profile or campaign; tasks of a local campaign say it is not a SLURM one', async () => {
    expect(failure(await t.call('slurm.submit', { campaignId: 'nope', profile: 'lab' })).message).toMatch(/No cluster profile "lab"/);
    value(await t.call('slurm.saveProfiles', { profiles: [PROFILE] }));
    expect(failure(await t.call('slurm.submit', { campaignId: 'nope', profile: 'lab' })).code).toBe('not_found');
    expect(value(await t.call('slurm.tasks', { campaignId: 'nope' }))).toEqual({ isSlurm: false, where: null, source: null, tasks: [], problems: [] });
  });
});
