import type { Migration } from './types';

/**
 * Issue 19: the sampler reads the total-energy counter at 1 Hz and at phase boundaries instead of at 10 Hz, so a
 * window's counter figure is bridged at its edges by integrated power. Each run_energy figure now says how it was
 * made, how much of it is bridge, how many counter readings it rests on, and which physical GPU (NVML UUID) it is:
 *  - counter_method: 'counter' (counter on every sample: last − first) | 'counter_bridged' | NULL (no counter);
 *  - bridge_j: the part of counter_j integrated from power (edges, counter resets), J;
 *  - counter_reads: samples in the window that carried a counter reading;
 *  - gpu_uuid: `GPU-…` from NVML (NULL from sources that give none).
 * Every counter figure stored before this migration came from the 10 Hz sampler that read the counter on every
 * sample: they are marked 'counter' (their bridge and read count are unknown and stay NULL).
 */
export const migration008: Migration = {
  version: 8,
  name: 'energy_method',
  sql: `
    ALTER TABLE run_energy ADD COLUMN counter_method TEXT CHECK (counter_method IN ('counter', 'counter_bridged'));
    ALTER TABLE run_energy ADD COLUMN bridge_j REAL;
    ALTER TABLE run_energy ADD COLUMN counter_reads INTEGER;
    ALTER TABLE run_energy ADD COLUMN gpu_uuid TEXT;
    UPDATE run_energy SET counter_method = 'counter' WHERE counter_j IS NOT NULL;
  `,
};
