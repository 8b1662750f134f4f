import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { doctor } from '../../../core/cli/doctor';
import { parseLlemDoctorJson } from '../../../core/runner/llemDoctorReport';
import { clearLlemProfileCache } from '../../../core/runner/llemProfileProbe';
import { lastMeaningfulLine } from '../../../core/system/probe';
import { err } from '../../../contract/result';

const FAKE = path.resolve(__dirname, '../../fixtures/fake-llem/llem.mjs');
const noNvml = () => err('nvml_missing', 'no NVML here');

beforeEach(() => clearLlemProfileCache());

/** Runs doctor against the fake llem of one version; returns its findings and every llem command it was asked. */
async function doctorFor(version: string, extra: Record<string, string> = {}) {
  const calls = path.join(mkdtempSync(path.join(os.tmpdir(), 'llem-doctor-')), 'calls.jsonl');
  const env = { ...process.env, PATH: process.env.PATH ?? '', FAKE_LLEM_VERSION: version, FAKE_LLEM_CALLS: calls, ...extra };
  const findings = await doctor({ configuredPath: FAKE, env, probeNvml: noNvml });
  const argv = readFileSync(calls, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
  return { findings, commands: argv.map((a) => a[0]) };
}

describe('doctor asks each llem version only what it supports', () => {
  it('the PyPI release (0.7.0) is asked `llem doctor --json`, never `llem config`', async () => {
    const { findings, commands } = await doctorFor('0.7.0');
    expect(commands).toContain('doctor');
    expect(commands).not.toContain('config');
    expect(findings.find((f) => f.id === 'llem.version')?.message).toContain('pypi-0.7.0');
    expect(findings.some((f) => f.id.startsWith('llem.doctor.gpu-driver') && f.message.includes('Fake GPU'))).toBe(true);
    expect(findings.some((f) => f.message.includes('exited with'))).toBe(false);
  });

  it('a contract-version llem (0.8.0) is asked `llem config -v`, never `llem doctor`', async () => {
    const { findings, commands } = await doctorFor('0.8.0');
    expect(commands).toContain('config');
    expect(commands).not.toContain('doctor');
    expect(findings.find((f) => f.id === 'llem.gpu')?.message).toContain('Fake GPU');
  });

  it("keeps llem doctor's own warnings and fixes", async () => {
    const { findings } = await doctorFor('0.7.0', { FAKE_LLEM_DOCTOR_GPU: 'none' });
    const gpu = findings.find((f) => f.message.includes('No GPU detected'));
    expect(gpu).toMatchObject({ status: 'warn', fixHint: expect.stringContaining('CUDA GPU') });
  });

  it('reports the telemetry source it will record with, replay included', async () => {
    const env = { ...process.env, FAKE_LLEM_VERSION: '0.8.0' };
    const findings = await doctor({ configuredPath: FAKE, env, probeNvml: noNvml, telemetrySpec: 'replay:/data/h100.jsonl' });
    expect(findings.find((f) => f.id === 'telemetry')).toMatchObject({ status: 'ok', message: expect.stringContaining('replayed from /data/h100.jsonl') });
    expect(findings.some((f) => f.fixHint?.includes('live telemetry will be off'))).toBe(false);
  });
});

describe('llem doctor --json and CLI error text', () => {
  it('refuses a report that is not JSON or has another shape, saying what it got', () => {
    const notJson = parseLlemDoctorJson('Environment health check\n====');
    expect(notJson.ok).toBe(false);
    expect(!notJson.ok && notJson.error.message).toContain('not JSON');
    const wrong = parseLlemDoctorJson('{"status": "ok"}');
    expect(!wrong.ok && wrong.error.message).toContain('unexpected shape');
  });

  it("maps llem's fail to an error finding", () => {
    const r = parseLlemDoctorJson(JSON.stringify({ status: 'fail', sections: [{ title: 'GPU / driver', lines: [{ status: 'fail', message: 'driver too old', fix: 'update it' }] }] }));
    expect(r).toEqual({ ok: true, value: [{ id: 'llem.doctor.gpu-driver.1', status: 'error', message: 'llem · GPU / driver: driver too old', fixHint: 'update it' }] });
  });

  it("reads the message out of Typer's error box instead of its bottom border", () => {
    const stderr = "Usage: llem [OPTIONS] COMMAND\n╭─ Error ─────╮\n│ No such command 'config'. │\n╰─────────────╯\n";
    expect(lastMeaningfulLine(stderr)).toBe("No such command 'config'.");
  });
});
