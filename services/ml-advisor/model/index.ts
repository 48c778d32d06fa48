// The ml-advisor domain, for the service (routes, metrics, audit) to wire onto the kit.
export { createAdvisor } from './advisor.ts';
export type { Advisor, AdvisorResponse, ModelPerformance } from './advisor.ts';
export { evaluate, loadShippedEvaluationSet } from './evaluation.ts';
export { FACTOR_NAMES } from './factors.ts';
export type { ModelFaults } from './fallback.ts';
export { percentileOf } from './performance-tracker.ts';
export { derivePreferences } from './profiles.ts';
export type { PastOrder } from './profiles.ts';
export type { RecommendationModel, Variant } from './recommendation.ts';
export { rulesModel } from './rules-model.ts';
export { createWeightedModel, SEED_WEIGHTS, weightedModel } from './weighted-model.ts';
export type { Weights } from './weighted-model.ts';
