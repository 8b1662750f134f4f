import { z } from 'zod';
import type { DoctorFinding } from '../../contract/doctor';
import { err, ok, type Result } from '../../contract/result';
import { execCapture } from '../system/execCapture';
import { lastMeaningfulLine } from '../system/probe';
import type { LlemCommand } from './llemDiscovery';

/**
 * `llem doctor --json`, the environment check of the PyPI release (llenergymeasure 0.7.0), which has no
 * `llem config` (docs/llem-pypi-release.md). Each of its lines becomes one finding, in llem's own words.
 */
const LineSchema = z.object({ status: z.string(), message: z.string(), fix: z.string().nullable().optional() });
export const LlemDoctorJsonSchema = z.object({
  status: z.string(),
  sections: z.array(z.object({ title: z.string(), lines: z.array(LineSchema) })),
});

function findingStatus(status: string): DoctorFinding['status'] {
  if (status === 'ok') return 'ok';
  if (status === 'fail' || status === 'error') return 'error';
  return 'warn';
}

/** Findings from `llem doctor --json` text; ids are `llem.doctor.<section>.<n>`, stable for one llem version. */
export function parseLlemDoctorJson(stdout: string): Result<DoctorFinding[]> {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    return err('llem_doctor_unreadable', `llem doctor --json printed something that is not JSON: ${JSON.stringify(stdout.trim().slice(0, 120))}`);
  }
  const parsed = LlemDoctorJsonSchema.safeParse(value);
  if (!parsed.success) return err('llem_doctor_unreadable', `llem doctor --json has an unexpected shape: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  const findings: DoctorFinding[] = [];
  for (const section of parsed.data.sections) {
    const slug = section.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    section.lines.forEach((line, i) => {
      findings.push({ id: `llem.doctor.${slug}.${i + 1}`, status: findingStatus(line.status), message: `llem · ${section.title}: ${line.message}`, fixHint: line.fix ?? null });
    });
  }
  return ok(findings);
}

export async function readLlemDoctor(llem: LlemCommand, env: NodeJS.ProcessEnv = process.env): Promise<Result<DoctorFinding[]>> {
  const run = await execCapture(llem.command, [...llem.args, 'doctor', '--json'], { timeoutMs: 120_000, env: { ...env, PYTHONIOENCODING: 'utf-8', NO_COLOR: '1' } });
  if (run.failure) return err('llem_failed', `${llem.display} doctor failed: ${run.failure}`, { path: llem.command });
  // llem doctor exits 0 with warnings; --check is what turns them into exit codes. A JSON report is read whatever the code.
  const report = parseLlemDoctorJson(run.stdout);
  if (report.ok || run.exitCode === 0) return report;
  return err('llem_failed', `${llem.display} doctor exited with ${run.exitCode}: ${lastMeaningfulLine(run.stderr || run.stdout)}`);
}
