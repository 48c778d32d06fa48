// Runs the chosen model within a latency budget; on an error or a late answer the customer gets the
// v1 rules result instead, flagged, so a recommendation is always served and always honest about it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pet } from '../../../catalog/products.ts';
import { PETS } from '../../../catalog/products.ts';
import type { FallbackReason } from './performance-tracker.ts';
import type { Preferences } from './preferences.ts';
import type { Recommendation, RecommendationModel } from './recommendation.ts';
import { rulesModel } from './rules-model.ts';

export const DEFAULT_LATENCY_BUDGET_MS = 250;

/** Injected by the kit's fault layer: simulated inference latency and/or a failing model. */
export interface ModelFaults {
  readonly delayMs?: number;
  readonly fail?: boolean;
}

export interface GuardedOptions {
  readonly model: RecommendationModel;
  readonly preferences: Preferences;
  readonly budgetMs?: number;
  readonly faults?: ModelFaults;
  readonly fallbackModel?: RecommendationModel;
  readonly catalog?: readonly Pet[];
}

export interface GuardedResult {
  readonly recommendations: Recommendation[];
  /** The model that produced the answer (the fallback's version when it was used). */
  readonly model_version: string;
  readonly fallback_used: boolean;
  readonly fallback_reason?: FallbackReason;
  /** What went wrong, for the audit log (never shown as the customer's result). */
  readonly error?: string;
}

class BudgetExceeded extends Error {}

/** The model call as an async inference step, so a fault can delay or fail it like a real one. */
async function infer(
  model: RecommendationModel,
  prefs: Preferences,
  catalog: readonly Pet[],
  faults: ModelFaults,
  signal: AbortSignal,
) {
  if (faults.delayMs && faults.delayMs > 0) await sleep(faults.delayMs, undefined, { signal });
  if (faults.fail) throw new Error(`injected failure in model ${model.version}`);
  return model.recommend(prefs, catalog);
}

export async function recommendWithFallback(options: GuardedOptions): Promise<GuardedResult> {
  const { model, preferences, faults = {}, fallbackModel = rulesModel, catalog = PETS } = options;
  const budgetMs = options.budgetMs ?? DEFAULT_LATENCY_BUDGET_MS;
  if (!(budgetMs > 0)) throw new RangeError('budgetMs must be > 0');
  const abort = new AbortController();
  const started = performance.now();
  try {
    const deadline = sleep(budgetMs, undefined, { signal: abort.signal }).then(() => {
      throw new BudgetExceeded(`model ${model.version} exceeded its ${budgetMs} ms budget`);
    });
    const recommendations = await Promise.race([
      infer(model, preferences, catalog, faults, abort.signal),
      deadline,
    ]);
    // A synchronous model cannot be interrupted; if it overran anyway, the budget still decides.
    if (performance.now() - started > budgetMs) {
      throw new BudgetExceeded(`model ${model.version} exceeded its ${budgetMs} ms budget`);
    }
    return { recommendations, model_version: model.version, fallback_used: false };
  } catch (err) {
    const reason: FallbackReason = err instanceof BudgetExceeded ? 'timeout' : 'model_error';
    return {
      recommendations: fallbackModel.recommend(preferences, catalog),
      model_version: fallbackModel.version,
      fallback_used: true,
      fallback_reason: reason,
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    // Cancels whichever timer is still pending (the deadline or the injected delay).
    abort.abort();
  }
}
