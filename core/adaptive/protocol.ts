import { z } from 'zod';

/**
 * The JSON-lines protocol between llem Studio and the Optuna sidecar (resources/adaptive/optuna_sidecar.py).
 * One request per line, one reply per request, in order; every reply is parsed with these schemas, so a sidecar
 * that says something unexpected is an error with a message, never a value used as-is.
 */
export const SIDECAR_PROTOCOL_VERSION = 1;

export const SamplerSchema = z.enum(['nsga2', 'tpe', 'random']);
export type SamplerName = z.infer<typeof SamplerSchema>;

export const ObjectiveSchema = z.object({ name: z.string().min(1), direction: z.enum(['minimize', 'maximize']) }).strict();
export type Objective = z.infer<typeof ObjectiveSchema>;

export const DimensionSchema = z
  .object({
    name: z.string().min(1),
    /** `ordinal`: choices have an order the sampler may use (batch sizes); `categorical`: no order (engines). */
    kind: z.enum(['categorical', 'ordinal']),
    choices: z.array(z.string()).min(1),
  })
  .strict();
export type Dimension = z.infer<typeof DimensionSchema>;

export const CandidateSchema = z.object({ key: z.string().min(1), params: z.record(z.string(), z.string()) }).strict();
export type Candidate = z.infer<typeof CandidateSchema>;

export interface InitRequest {
  op: 'init';
  protocol: number;
  seed: number;
  sampler: SamplerName;
  objectives: Objective[];
  /** Names of the user's constraints; a tell's `violations` gives one number each (<= 0: satisfied). */
  constraints?: string[];
  dimensions: Dimension[];
  candidates: Candidate[];
  options?: { population_size?: number; n_startup_trials?: number };
}

/** What a measured (or failed) trial told the optimizer: also the unit of replay on resume. */
export type TrialOutcome =
  | { status: 'ok'; values: number[]; violations?: number[] }
  | { status: 'failed'; reason?: string };

export const ErrorReplySchema = z
  .object({
    id: z.number().int().nonnegative().nullable(),
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), path: z.string().optional() }).strict(),
  })
  .strict();

export const OkReplySchema = z.object({ id: z.number().int().nonnegative(), ok: z.literal(true), result: z.unknown() }).strict();

export const ReplySchema = z.union([OkReplySchema, ErrorReplySchema]);
export type Reply = z.infer<typeof ReplySchema>;

export const HelloResultSchema = z
  .object({ protocol: z.number().int(), optuna: z.string().nullable(), optunaError: z.string().nullable(), python: z.string() })
  .strict();

export const InitResultSchema = z.object({ optuna: z.string(), sampler: z.string(), candidates: z.number().int().positive() }).strict();

export const ProposalModeSchema = z.enum(['startup', 'model', 'random', 'nearest']);
export type ProposalMode = z.infer<typeof ProposalModeSchema>;

export const AskResultSchema = z.union([
  z
    .object({
      trial: z.number().int().nonnegative(),
      key: z.string().min(1),
      why: z.string(),
      /** startup: the sampler's random first trials; model: guided by the results told; random: random search; nearest: the fallback. */
      mode: ProposalModeSchema,
    })
    .strict(),
  z.object({ exhausted: z.literal(true), measured: z.number().int().nonnegative() }).strict(),
]);
export type AskResult = z.infer<typeof AskResultSchema>;

export const TellResultSchema = z.object({ trial: z.number().int().nonnegative(), key: z.string(), feasible: z.boolean() }).strict();

export const ReplayResultSchema = z.object({ replayed: z.number().int().nonnegative(), matched: z.number().int().nonnegative() }).strict();

export const EmptyResultSchema = z.object({}).strict();
