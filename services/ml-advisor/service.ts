// ML pet advisor: recommendations from preferences or from a user's profile and purchases, served by
// the user's sticky A/B variant (v1 rules / v2 weighted) within a latency budget, with a rules
// fallback; model performance from what was actually served, offline accuracy from the shipped set.
// Routes: a named handler per operation of contract.ts in routes.ts; ROUTES below is the table.
import { defineService } from '../kit/index.ts';
import { AUDIT_EVENTS, mlAdvisorConfig } from './config.ts';
import {
  createAdvisor,
  createWeightedModel,
  rulesModel,
  SEED_WEIGHTS,
  weightedModel,
} from './model/index.ts';
import { modelPerformance, recommend, recommendForUser, type Advising } from './routes.ts';

const ROUTES: readonly ((a: Advising) => void)[] = [
  recommend, //         POST /recommendations
  recommendForUser, //  GET  /recommend/user/{id}
  modelPerformance, //  GET  /analytics/model-performance
];

export default defineService({
  name: 'ml-advisor',
  config: mlAdvisorConfig,
  auditEvents: AUDIT_EVENTS,
  setup(kit) {
    const { audit, config, metrics } = kit;
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
    for (const declare of ROUTES) declare({ kit, advisor, v2, weights });
  },
});
