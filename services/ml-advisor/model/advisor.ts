// The advisor as the service will use it: A/B arm -> guarded model call -> tracked result. Everything
// the HTTP layer needs, with no HTTP in it; offline accuracy is measured once, when it is created.
import { performance } from 'node:perf_hooks';
import { createAbAssigner, DEFAULT_V2_SHARE } from './ab-assignment.ts';
import type { AbAssigner } from './ab-assignment.ts';
import { evaluate, loadShippedEvaluationSet } from './evaluation.ts';
import type { EvaluationResult, EvaluationSet } from './evaluation.ts';
import { DEFAULT_LATENCY_BUDGET_MS, recommendWithFallback } from './fallback.ts';
import type { ModelFaults } from './fallback.ts';
import { PerformanceTracker } from './performance-tracker.ts';
import type { FallbackReason, PerformanceReport } from './performance-tracker.ts';
import type { Preferences } from './preferences.ts';
import { derivePreferences } from './profiles.ts';
import type { DerivedPreferences, PastOrder } from './profiles.ts';
import type { Recommendation, RecommendationModel, Variant } from './recommendation.ts';
import { rulesModel } from './rules-model.ts';
import { weightedModel } from './weighted-model.ts';

export interface AdvisorOptions {
  /** Share of users on v2 (env e.g. AB_V2_SHARE). */
  readonly v2Share?: number;
  readonly latencyBudgetMs?: number;
  readonly models?: Readonly<Record<Variant, RecommendationModel>>;
  readonly evaluationSet?: EvaluationSet;
  /** Latency window of the performance tracker. */
  readonly window?: number;
}

export interface AdvisorResponse {
  readonly recommendations: Recommendation[];
  readonly model_version: string;
  readonly a_b_test_variant: Variant;
  readonly processing_time_ms: number;
  readonly fallback_used: boolean;
  readonly fallback_reason?: FallbackReason;
  /** Internal: why the fallback was used (audit log), not for the customer. */
  readonly error?: string;
}

export interface UserAdvisorResponse extends AdvisorResponse {
  readonly user_id: string;
  readonly profile_id: string;
  readonly basis: DerivedPreferences['basis'];
}

export interface ModelPerformance extends PerformanceReport {
  readonly ab_split: { readonly v2_share: number };
  readonly latency_budget_ms: number;
  readonly offline_evaluation: Readonly<Record<Variant, EvaluationResult>>;
}

export interface Advisor {
  readonly assigner: AbAssigner;
  readonly tracker: PerformanceTracker;
  readonly offlineEvaluation: Readonly<Record<Variant, EvaluationResult>>;
  /** subject: the user id, or (for anonymous calls) something per request such as the correlation id. */
  recommend(preferences: Preferences, subject: string, faults?: ModelFaults): Promise<AdvisorResponse>;
  recommendForUser(
    userId: string,
    orders?: readonly PastOrder[],
    faults?: ModelFaults,
  ): Promise<UserAdvisorResponse>;
  performance(): ModelPerformance;
}

export function createAdvisor(options: AdvisorOptions = {}): Advisor {
  const assigner = createAbAssigner(options.v2Share ?? DEFAULT_V2_SHARE);
  const budgetMs = options.latencyBudgetMs ?? DEFAULT_LATENCY_BUDGET_MS;
  const models = options.models ?? { v1: rulesModel, v2: weightedModel };
  const tracker = new PerformanceTracker(options.window);
  const set = options.evaluationSet ?? loadShippedEvaluationSet();
  const offlineEvaluation = { v1: evaluate(models.v1, set), v2: evaluate(models.v2, set) };

  async function recommend(
    preferences: Preferences,
    subject: string,
    faults?: ModelFaults,
  ): Promise<AdvisorResponse> {
    const variant = assigner.assign(subject);
    const started = performance.now();
    const result = await recommendWithFallback({ model: models[variant], preferences, budgetMs, faults });
    // The same rounded numbers go to the client and into the tracker, so a client can recompute the report.
    const processing = Math.round((performance.now() - started) * 100) / 100;
    tracker.record({
      variant,
      latencyMs: processing,
      confidences: result.recommendations.map((r) => r.confidence_score),
      fallbackUsed: result.fallback_used,
      fallbackReason: result.fallback_reason,
    });
    return {
      recommendations: result.recommendations,
      model_version: result.model_version,
      a_b_test_variant: variant,
      processing_time_ms: processing,
      fallback_used: result.fallback_used,
      ...(result.fallback_reason ? { fallback_reason: result.fallback_reason } : {}),
      ...(result.error ? { error: result.error } : {}),
    };
  }

  return {
    assigner,
    tracker,
    offlineEvaluation,
    recommend,
    async recommendForUser(userId, orders = [], faults) {
      const derived = derivePreferences(userId, orders);
      const response = await recommend(derived.preferences, userId, faults);
      return { ...response, user_id: userId, profile_id: derived.profile_id, basis: derived.basis };
    },
    performance() {
      return {
        ...tracker.report(),
        ab_split: { v2_share: assigner.v2Share },
        latency_budget_ms: budgetMs,
        offline_evaluation: offlineEvaluation,
      };
    },
  };
}
