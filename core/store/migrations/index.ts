import { migration001 } from './001_initial';
import { migration002 } from './002_results';
import { migration003 } from './003_runner';
import { migration004 } from './004_telemetry_rollups';
import { migration005 } from './005_push';
import { migration006 } from './006_telemetry_chunk_reads';
import { migration007 } from './007_result_quality';
import { migration008 } from './008_energy_method';
import { migration009 } from './009_slurm';
import { migration010 } from './010_adaptive';
import { migration011 } from './011_campaign_queue';
import type { Migration } from './types';

/** Every migration, in order. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
];
