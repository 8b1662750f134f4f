/**
 * The Demo's caveat line: what the numbers on the stage measure and what they do not, in words an audience reads at a
 * glance, from the stored results (GPU name, quality caveats) and a shipped sample's own caveats. Pure.
 */

export interface CaveatSide {
  /** The side's title on the stage ("Batch size 32"). */
  name: string;
  gpuName: string | null;
  /** Quality caveats stored with the result ("measured over 4.9 s only"). */
  caveats: readonly string[];
  /** Its quality checks failed (grade C): the factor must be read with its caveats. */
  failed: boolean;
}

export interface CaveatSample {
  gpu: string;
  measuredOn: string;
  caveats: readonly string[];
}

/** The main statement first, then each side's own caveats, then the sample set's (when the runs are a shipped sample). */
export function demoCaveatLines(sides: readonly CaveatSide[], sample: CaveatSample | null, live: boolean): string[] {
  const gpus = [...new Set(sides.map((s) => s.gpuName).filter((g): g is string => !!g))];
  const where = gpus.length === 0 ? 'on the GPU that ran it' : gpus.length === 1 ? `on one ${gpus[0]}` : `on ${gpus.join(' and ')}`;
  const lines = [
    `Measured: GPU energy only (NVML), ${where}, with the same prompt set on both sides. Not the CPU, memory, cooling or network; other hardware and prompts give other numbers.${live ? ' The live side is this machine’s GPU now, not a recorded run.' : ''}`,
  ];
  for (const side of sides) {
    if (side.caveats.length > 0 || side.failed) lines.push(`${side.name}${side.failed ? ' (failed a quality check)' : ''}: ${side.caveats.length > 0 ? side.caveats.join('; ') : 'see Explain'}.`);
  }
  if (sample && sample.caveats.length > 0) lines.push(`Sample runs (${sample.gpu}, ${sample.measuredOn}): ${sample.caveats.join(' ')}`);
  return lines;
}
