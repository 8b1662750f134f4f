import { z } from 'zod';

/**
 * Shapes of the ML.ENERGY Leaderboard data files, learnt from the published files (v3: the
 * `public/data/` files the web page reads; v2: `data/llm_text_generation/...` per-configuration
 * files). Lenient: unknown keys pass through (kept in raw_json), metrics may be missing or null
 * (a future edition may drop one), but identity fields are required.
 */

const metric = z.number().nullable().optional();
const count = z.number().int().nullable().optional();

export const V3ModelInfoSchema = z.looseObject({
  nickname: z.string().nullable().optional(),
  total_params_billions: metric,
  activated_params_billions: metric,
  weight_precision: z.string().nullable().optional(),
  architecture: z.string().nullable().optional(),
});

export const V3IndexSchema = z.looseObject({
  last_updated: z.string().max(100).nullable().optional(),
  tasks: z.array(z.string().min(1).max(200)),
  architectures: z.record(z.string(), z.array(z.string())).nullable().optional(),
  models: z.record(z.string(), V3ModelInfoSchema).nullable().optional(),
});
export type V3Index = z.infer<typeof V3IndexSchema>;

export const V3ConfigurationSchema = z.looseObject({
  model_id: z.string().min(1).max(500),
  gpu_model: z.string().min(1).max(200),
  nickname: z.string().nullable().optional(),
  num_gpus: count,
  tensor_parallel: count,
  expert_parallel: count,
  data_parallel: count,
  max_num_seqs: count,
  avg_batch_size: metric,
  weight_precision: z.string().nullable().optional(),
  architecture: z.string().nullable().optional(),
  total_params_billions: metric,
  activated_params_billions: metric,
  energy_per_token_joules: metric,
  energy_per_request_joules: metric,
  avg_output_len: metric,
  avg_power_watts: metric,
  output_throughput_tokens_per_sec: metric,
  median_itl_ms: metric,
  p90_itl_ms: metric,
  p95_itl_ms: metric,
  p99_itl_ms: metric,
});
export type V3Configuration = z.infer<typeof V3ConfigurationSchema>;

export const V3TaskSchema = z.looseObject({
  task: z.string().min(1).max(200),
  task_display_name: z.string().nullable().optional(),
  configurations: z.array(V3ConfigurationSchema),
});
export type V3Task = z.infer<typeof V3TaskSchema>;

/** v2: one file per (task, GPU, model, batch size, TP, PP); keys carry their unit. */
export const V2ConfigSchema = z.looseObject({
  Model: z.string().min(1).max(500),
  GPU: z.string().min(1).max(200),
  TP: count,
  PP: count,
  'Energy/req (J)': metric,
  'Avg TPOT (s)': metric,
  'Token tput (tok/s)': metric,
  'Avg Output Tokens': metric,
  'Avg BS (reqs)': metric,
  'Max BS (reqs)': count,
});
export type V2Config = z.infer<typeof V2ConfigSchema>;

export const V2ModelsSchema = z.record(
  z.string(),
  z.looseObject({ nickname: z.string().nullable().optional(), params: metric, url: z.string().nullable().optional() }),
);
export type V2Models = z.infer<typeof V2ModelsSchema>;
