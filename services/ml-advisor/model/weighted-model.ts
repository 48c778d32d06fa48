// v2 "weighted": the seed's weighted sum of the six graded factors. Special requirements are not a
// weighted factor in the seed, so they scale the sum: a pet lacking every requested trait keeps half.
import { PETS } from '../../../catalog/products.ts';
import { FACTOR_NAMES, matchFactors, requirementsScore } from './factors.ts';
import type { FactorName } from './factors.ts';
import { buildRecommendations, candidates, sortRanking } from './recommendation.ts';
import type { RecommendationModel } from './recommendation.ts';

export type Weights = Readonly<Record<FactorName, number>>;

/** The seed's weights (petstore experience polish, ml_pet_advisor v2). */
export const SEED_WEIGHTS: Weights = {
  category: 0.25,
  activity: 0.2,
  living: 0.2,
  experience: 0.15,
  price: 0.15,
  care: 0.05,
};

export function createWeightedModel(
  weights: Weights = SEED_WEIGHTS,
  version = 'v2-weighted',
): RecommendationModel {
  const total = FACTOR_NAMES.reduce((s, f) => s + weights[f], 0);
  if (!(total > 0) || FACTOR_NAMES.some((f) => weights[f] < 0)) {
    throw new Error('weights must be non-negative and sum to more than 0');
  }
  return {
    variant: 'v2',
    version,
    rank(prefs, catalog = PETS) {
      return sortRanking(
        candidates(prefs, catalog).map((pet) => {
          const factors = matchFactors(pet, prefs);
          const requirements = requirementsScore(pet, prefs);
          const weighted = FACTOR_NAMES.reduce((s, f) => s + weights[f] * factors[f], 0) / total;
          return { pet, factors, requirements, confidence: weighted * (0.5 + 0.5 * requirements) };
        }),
        catalog,
        prefs,
      );
    },
    recommend(prefs, catalog = PETS) {
      return buildRecommendations(this.rank(prefs, catalog), prefs);
    },
  };
}

export const weightedModel = createWeightedModel();
