// Offline evaluation: rank every case of a labelled set and measure how early the pets a human judged
// relevant appear. The service runs this at start-up on the shipped set, so the accuracy it reports
// is measured, and changes whenever the model does.
import { z } from 'zod';
import { PETS } from '../../../catalog/products.ts';
import shippedSet from '../data/evaluation-set.json' with { type: 'json' };
import { MAX_RECOMMENDATIONS_LIMIT, describeIssues, preferencesSchema } from './preferences.ts';
import type { Preferences } from './preferences.ts';
import type { RecommendationModel } from './recommendation.ts';

const KNOWN = new Set(PETS.map((p) => p.id));

const evaluationSetSchema = z
  .strictObject({
    description: z.string().optional(),
    k: z.int().min(1).max(MAX_RECOMMENDATIONS_LIMIT),
    cases: z
      .array(
        z.strictObject({
          id: z.string().min(1),
          note: z.string().optional(),
          preferences: preferencesSchema,
          relevant: z
            .array(
              z.string().refine((id) => KNOWN.has(id), { error: 'relevant pet id is not in the catalog' }),
            )
            .min(1),
        }),
      )
      .min(1),
  })
  .superRefine((set, ctx) => {
    const ids = new Set<string>();
    set.cases.forEach((c, i) => {
      if (ids.has(c.id))
        ctx.addIssue({ code: 'custom', path: ['cases', i, 'id'], message: `duplicate case id ${c.id}` });
      ids.add(c.id);
      const excluded = new Set(c.preferences.exclude_pets ?? []);
      if (c.relevant.some((id) => excluded.has(id))) {
        ctx.addIssue({
          code: 'custom',
          path: ['cases', i, 'relevant'],
          message: `${c.id}: a relevant pet is excluded`,
        });
      }
    });
  });

export interface EvaluationCase {
  readonly id: string;
  readonly note?: string;
  readonly preferences: Preferences;
  readonly relevant: readonly string[];
}

export interface EvaluationSet {
  readonly k: number;
  readonly cases: readonly EvaluationCase[];
}

export interface EvaluationResult {
  readonly model_version: string;
  readonly variant: string;
  readonly cases: number;
  readonly k: number;
  /** Share of cases whose top k contains at least one relevant pet; reported as the model's accuracy. */
  readonly hit_rate_at_k: number;
  /** Mean over cases of |top k ∩ relevant| / k. */
  readonly precision_at_k: number;
  /** Mean over cases of |top k ∩ relevant| / |relevant|. */
  readonly recall_at_k: number;
  /** Mean reciprocal rank of the first relevant pet in the full ranking. */
  readonly mrr: number;
  /** = hit_rate_at_k. */
  readonly accuracy: number;
}

/** Validates a set (each case's preferences through the public schema). Throws naming the problem. */
export function parseEvaluationSet(raw: unknown): EvaluationSet {
  const result = evaluationSetSchema.safeParse(raw);
  if (!result.success) throw new Error(`invalid evaluation set: ${describeIssues(result.error).join('; ')}`);
  return result.data;
}

/** The set shipped in services/ml-advisor/data/evaluation-set.json. */
export function loadShippedEvaluationSet(): EvaluationSet {
  return parseEvaluationSet(shippedSet);
}

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

export function evaluate(
  model: RecommendationModel,
  set: EvaluationSet,
  k: number = set.k,
): EvaluationResult {
  let hits = 0;
  let precision = 0;
  let recall = 0;
  let reciprocal = 0;
  for (const c of set.cases) {
    // The full ranking, so the reciprocal rank is defined even when nothing relevant is in the top k.
    const ranking = model.rank(c.preferences, PETS).map((s) => s.pet.id);
    const relevant = new Set(c.relevant);
    const found = ranking.slice(0, k).filter((id) => relevant.has(id)).length;
    if (found > 0) hits += 1;
    precision += found / k;
    recall += found / relevant.size;
    const first = ranking.findIndex((id) => relevant.has(id));
    reciprocal += first === -1 ? 0 : 1 / (first + 1);
  }
  const n = set.cases.length;
  return {
    model_version: model.version,
    variant: model.variant,
    cases: n,
    k,
    hit_rate_at_k: round4(hits / n),
    precision_at_k: round4(precision / n),
    recall_at_k: round4(recall / n),
    mrr: round4(reciprocal / n),
    accuracy: round4(hits / n),
  };
}
