// ML pet advisor: recommendations from preferences or from a user's profile and purchases, served by
// the user's sticky A/B variant (v1 rules / v2 weighted) within a latency budget, with a rules
// fallback; model performance from what was actually served, offline accuracy from the shipped set.
import { z } from 'zod';
import { currentContext } from '../kit/context.ts';
import { defineService } from '../kit/index.ts';
import {
  createAdvisor,
  createWeightedModel,
  derivePreferences,
  rulesModel,
  SEED_WEIGHTS,
  weightedModel,
} from './model/index.ts';
import type { AdvisorResponse, ModelFaults, PastOrder, Variant } from './model/index.ts';
import { operations, weightsVar } from './contract.ts';

export const AUDIT_EVENTS = ['model_evaluated', 'recommendation_served'] as const;

export default defineService({
  name: 'ml-advisor',
  config: {
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
  },
  auditEvents: AUDIT_EVENTS,
  setup(kit) {
    const { api, audit, config, faults, metrics } = kit;
    const weights = config.MODEL_V2_WEIGHTS ?? SEED_WEIGHTS;
    const v2 = config.MODEL_V2_WEIGHTS ? createWeightedModel(weights) : weightedModel;
    const advisor = createAdvisor({
      v2Share: config.AB_V2_SHARE,
      latencyBudgetMs: config.MODEL_LATENCY_BUDGET_MS,
      models: { v1: rulesModel, v2 },
      window: config.PERFORMANCE_WINDOW,
    });
    for (const variant of ['v1', 'v2'] as const) {
      const e = advisor.offlineEvaluation[variant];
      metrics.gauge('modelOfflineAccuracy').set({ variant }, e.accuracy);
      audit.emit('model_evaluated', { ...e, variant }, 'startup');
    }

    const served = metrics.counter('recommendations');
    const duration = metrics.histogram('recommendationDuration');
    const confidence = metrics.histogram('recommendationConfidence');
    const fallbacks = metrics.counter('recommendationFallbacks');

    /** The kit's fault settings for this request, in the model's terms (delays scaled like every other). */
    const modelFaults = (): ModelFaults => ({
      delayMs: faults.value('model_latency_ms') * faults.latencyScale,
      fail: faults.fires('model_error'),
    });

    /** Metrics and the audit line for one answer; the internal error goes to the log, never the client. */
    function record(r: AdvisorResponse, who: Record<string, unknown>): Omit<AdvisorResponse, 'error'> {
      const { error, ...visible } = r;
      const variant: Variant = r.a_b_test_variant;
      served.inc({ variant, fallback: String(r.fallback_used) });
      duration.observe({ variant }, r.processing_time_ms / 1000);
      for (const rec of r.recommendations) confidence.observe({ variant }, rec.confidence_score);
      if (r.fallback_reason) fallbacks.inc({ reason: r.fallback_reason });
      audit.emit('recommendation_served', {
        ...who,
        variant,
        model_version: r.model_version,
        pet_ids: r.recommendations.map((x) => x.pet_id),
        fallback_used: r.fallback_used,
        ...(r.fallback_reason ? { fallback_reason: r.fallback_reason, error_type: r.fallback_reason } : {}),
        ...(error ? { error } : {}),
        operation: 'recommend',
        duration_ms: r.processing_time_ms,
        outcome: r.fallback_used ? 'failure' : 'success',
      });
      return { ...visible, correlation_id: currentContext()?.correlationId } as Omit<
        AdvisorResponse,
        'error'
      >;
    }

    api.route({
      ...operations.recommend,
      async handler({ body }) {
        const { user_id: userId, ...preferences } = body;
        const subject = userId ?? currentContext()?.correlationId ?? 'anonymous';
        const r = await advisor.recommend(preferences, subject, modelFaults());
        return {
          body: { ...record(r, { user_id: userId ?? null }), ...(userId ? { user_id: userId } : {}) },
        };
      },
    });

    api.route({
      ...operations.recommendForUser,
      async handler({ params, query }) {
        const orders: PastOrder[] = query.purchased?.length
          ? [
              {
                status: 'confirmed',
                items: query.purchased.map((product_id) => ({ product_id, quantity: 1 })),
              },
            ]
          : [];
        const derived = derivePreferences(params.id, orders);
        const prefs = query.max_results
          ? { ...derived.preferences, max_recommendations: query.max_results }
          : derived.preferences;
        const r = await advisor.recommend(prefs, params.id, modelFaults());
        return {
          body: {
            ...record(r, { user_id: params.id, profile_id: derived.profile_id }),
            user_id: params.id,
            profile_id: derived.profile_id,
            preferences: prefs,
            basis: { ...derived.basis, purchased: query.purchased ?? [] },
          },
        };
      },
    });

    api.route({
      ...operations.modelPerformance,
      handler() {
        const perf = advisor.performance();
        return {
          body: {
            ...perf,
            accuracy: {
              v1: perf.offline_evaluation.v1.accuracy,
              v2: perf.offline_evaluation.v2.accuracy,
              measured_on: 'services/ml-advisor/data/evaluation-set.json',
            },
            models: {
              v1: { model_version: rulesModel.version },
              v2: { model_version: v2.version, weights },
            },
          },
        };
      },
    });
  },
});
