import { caveatsOf, type StoredQuality } from './qualityStore';
import { cyclesConsistent, gradeOf, type QualityCheck, type QualityGrade } from './qualityChecks';

export interface ConfigQuality {
  grade: QualityGrade;
  caveats: string[];
  checks: QualityCheck[];
  outputTokensReported: number | null;
  outputTokensBounded: number | null;
}

const STATUS_RANK = { pass: 0, not_checked: 1, warn: 2, fail: 3 } as const;

/**
 * A configuration's quality from its cycles': each check at its worst cycle (the reason names the cycle when
 * there are several), plus the configuration-level check that the cycles agree (CV of energy per output token).
 */
export function configQuality(
  cycles: readonly { quality: StoredQuality | null; output_tokens: number | null }[],
  jPerOutputTokenCv: number | null,
): ConfigQuality {
  const worst = new Map<string, QualityCheck>();
  cycles.forEach((c, i) => {
    for (const check of c.quality?.checks ?? []) {
      const prev = worst.get(check.id);
      if (!prev || STATUS_RANK[check.status] > STATUS_RANK[prev.status]) {
        worst.set(check.id, cycles.length > 1 ? { ...check, reason: `cycle ${i + 1} of ${cycles.length}: ${check.reason}` } : check);
      }
    }
  });
  const checks = [...worst.values(), cyclesConsistent(jPerOutputTokenCv, cycles.length)];
  // The cycle-count check alone never lowers the grade of a single-cycle result: one cycle is said in its own flag.
  const graded = checks.filter((c) => !(c.id === 'cycles_consistent' && c.status === 'not_checked'));
  return {
    grade: cycles.some((c) => c.quality === null) ? worseOf(gradeOf(graded), 'B') : gradeOf(graded),
    caveats: caveatsOf(checks),
    checks,
    outputTokensReported: sumOrNull(cycles.map((c) => c.output_tokens)),
    outputTokensBounded: sumOrNull(cycles.map((c) => c.quality?.outputTokensBounded ?? null)),
  };
}

function worseOf(a: QualityGrade, b: QualityGrade): QualityGrade {
  return a > b ? a : b;
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  if (values.some((v) => v === null)) return null;
  return (values as number[]).reduce((s, v) => s + v, 0);
}
