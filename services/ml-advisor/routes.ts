// The ml-advisor routes, each a named handler for one operation of contract.ts; service.ts lists them.
import { currentContext } from '../kit/context.ts';
import type { Faults } from '../kit/index.ts';
import type { AdvisorKit } from './config.ts';
import { operations } from './contract.ts';
import { derivePreferences, rulesModel } from './model/index.ts';
import type {
  Advisor,
  AdvisorResponse,
  ModelFaults,
  PastOrder,
  RecommendationModel,
  Variant,
  Weights,
} from './model/index.ts';

/** What every advisor handler works with: the kit, the advisor and its v2 model with its weights. */
export interface Advising {
  readonly kit: AdvisorKit;
  readonly advisor: Advisor;
  readonly v2: RecommendationModel;
  readonly weights: Weights;
}

/** The kit's fault settings for this request, in the model's terms (delays scaled like every other). */
const modelFaultsOf = (faults: Faults) => (): ModelFaults => ({
  delayMs: faults.value('model_latency_ms') * faults.latencyScale,
  fail: faults.fires('model_error'),
});

function recorder({ audit, metrics }: AdvisorKit) {
  const served = metrics.counter('recommendations');
  const duration = metrics.histogram('recommendationDuration');
  const confidence = metrics.histogram('recommendationConfidence');
  const fallbacks = metrics.counter('recommendationFallbacks');
  /** Metrics and the audit line for one answer; the internal error goes to the log, never the client. */
  return function record(r: AdvisorResponse, who: Record<string, unknown>): Omit<AdvisorResponse, 'error'> {
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
    return { ...visible, correlation_id: currentContext()?.correlationId } as Omit<AdvisorResponse, 'error'>;
  };
}

export function recommend({ kit, advisor }: Advising): void {
  const { api } = kit;
  const modelFaults = modelFaultsOf(kit.faults);
  const record = recorder(kit);
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
}

export function recommendForUser({ kit, advisor }: Advising): void {
  const { api } = kit;
  const modelFaults = modelFaultsOf(kit.faults);
  const record = recorder(kit);
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
}

export function modelPerformance({ kit: { api }, advisor, v2, weights }: Advising): void {
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
}
