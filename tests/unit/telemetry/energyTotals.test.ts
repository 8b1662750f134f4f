import { describe, expect, it } from 'vitest';
import { sumAcrossGpus } from '../../../core/telemetry/energyTotals';

const row = (gpuIndex: number, window: 'run' | 'measuring', counterJ: number | null, integratedJ: number | null) => ({
  gpuIndex,
  window,
  counterJ,
  integratedJ,
  gpuUuid: `GPU-${gpuIndex}`,
});

describe('energy of a run over several GPUs', () => {
  it('sums each window over the GPUs and keeps every GPU’s own figures', () => {
    const rows = [row(3, 'measuring', 300, 310), row(1, 'measuring', 100, 105), row(1, 'run', 1000, 1001)];
    expect(sumAcrossGpus(rows, 'measuring')).toEqual({
      window: 'measuring',
      counterJ: 400,
      integratedJ: 415,
      gpus: [
        { gpuIndex: 1, gpuUuid: 'GPU-1', counterJ: 100, integratedJ: 105 },
        { gpuIndex: 3, gpuUuid: 'GPU-3', counterJ: 300, integratedJ: 310 },
      ],
    });
  });

  it('gives no total when a GPU lacks the figure, or when there is no GPU', () => {
    expect(sumAcrossGpus([row(0, 'run', 10, 11), row(1, 'run', null, 12)], 'run')).toMatchObject({ counterJ: null, integratedJ: 23 });
    expect(sumAcrossGpus([], 'run')).toMatchObject({ counterJ: null, integratedJ: null, gpus: [] });
  });
});
