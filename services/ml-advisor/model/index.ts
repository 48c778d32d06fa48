// The ml-advisor domain, for the service (routes, metrics, audit) to wire onto the kit.
export { createAdvisor } from './advisor.ts';
export type {
  Advisor,
  AdvisorOptions,
  AdvisorResponse,
  ModelPerformance,
  UserAdvisorResponse,
} from './advisor.ts';
export { bucketOf, createAbAssigner, DEFAULT_V2_SHARE } from './ab-assignment.ts';
export type { AbAssigner } from './ab-assignment.ts';
export { evaluate, loadShippedEvaluationSet, parseEvaluationSet } from './evaluation.ts';
export type { EvaluationResult, EvaluationSet } from './evaluation.ts';
export { FACTOR_NAMES } from './factors.ts';
export type { FactorName, MatchFactors } from './factors.ts';
export { DEFAULT_LATENCY_BUDGET_MS, recommendWithFallback } from './fallback.ts';
export type { GuardedResult, ModelFaults } from './fallback.ts';
export { percentileOf, PerformanceTracker } from './performance-tracker.ts';
export type { FallbackReason, PerformanceReport } from './performance-tracker.ts';
export {
  describeIssues,
  parsePreferences,
  parseRecommendationRequest,
  preferencesSchema,
  recommendationRequestSchema,
} from './preferences.ts';
export type { Preferences, PreferencesInput, RecommendationRequest } from './preferences.ts';
export { CUSTOMER_PROFILES, derivePreferences, profileForUser } from './profiles.ts';
export type { CustomerProfile, DerivedPreferences, PastOrder } from './profiles.ts';
export type { PriceOptimization, Recommendation, RecommendationModel, Variant } from './recommendation.ts';
export { rulesModel } from './rules-model.ts';
export { createWeightedModel, SEED_WEIGHTS, weightedModel } from './weighted-model.ts';
export type { Weights } from './weighted-model.ts';
