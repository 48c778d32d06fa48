// The ml-advisor's own settings, its audit vocabulary, and the kit its routes receive.
import { z } from 'zod';
import type { Config, Kit } from '../kit/service.ts';
import { FACTOR_NAMES } from './model/index.ts';
import type { Weights } from './model/index.ts';

/** MODEL_V2_WEIGHTS: "category=0.25,activity=0.2,..." (every factor named once, non-negative). */
const weightsVar = z.string().transform((raw, ctx): Weights => {
  const out: Partial<Record<(typeof FACTOR_NAMES)[number], number>> = {};
  for (const part of raw.split(',')) {
    const [name = '', value = ''] = part.split('=').map((s) => s.trim());
    const factor = FACTOR_NAMES.find((f) => f === name);
    const n = Number(value);
    if (!factor || value === '' || !Number.isFinite(n) || n < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected factor=weight pairs for ${FACTOR_NAMES.join(', ')} (weights >= 0), got '${part}'`,
      });
      return z.NEVER;
    }
    out[factor] = n;
  }
  const missing = FACTOR_NAMES.filter((f) => out[f] === undefined);
  if (missing.length) {
    ctx.addIssue({ code: 'custom', message: `missing weights for ${missing.join(', ')}` });
    return z.NEVER;
  }
  return out as Weights;
});

export const mlAdvisorConfig = {
  /** Share of users (0..1) on the v2 weighted model; the rest get v1 rules. */
  AB_V2_SHARE: z.coerce
    .number()
    .min(0, 'must be between 0 and 1')
    .max(1, 'must be between 0 and 1')
    .default(0.5),
  /** Past this, the rules fallback answers instead of the model. */
  MODEL_LATENCY_BUDGET_MS: z.coerce.number().int().min(1).max(10_000).default(250),
  /** Overrides the v2 weights (e.g. to try a model change): "category=0.25,activity=0.2,...". */
  MODEL_V2_WEIGHTS: weightsVar.optional(),
  /** Recent requests the latency percentiles are computed over. */
  PERFORMANCE_WINDOW: z.coerce.number().int().min(1).max(100_000).default(1000),
};

export const AUDIT_EVENTS = ['model_evaluated', 'recommendation_served'] as const;

export type AdvisorKit = Kit<Config<typeof mlAdvisorConfig>, (typeof AUDIT_EVENTS)[number]>;
