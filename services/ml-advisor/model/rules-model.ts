// v1 "rules": pass/fail checks, the share passed is the confidence. Simple, dependency-free and
// always answers, which is why it is also the fallback when the weighted model fails or is late.
import { PETS } from '../../../catalog/products.ts';
import type { Pet } from '../../../catalog/products.ts';
import { careTolerance, matchFactors, requirementsScore, statedFactors } from './factors.ts';
import type { FactorName, MatchFactors } from './factors.ts';
import type { Preferences } from './preferences.ts';
import { buildRecommendations, candidates, sortRanking } from './recommendation.ts';
import type { RecommendationModel, ScoredPet } from './recommendation.ts';

/** Each factor as a rule: 1 if fully satisfied, else 0. Budget: min..max inclusive. */
function ruleFactors(pet: Pet, prefs: Preferences): MatchFactors {
  const graded = matchFactors(pet, prefs);
  const b = prefs.budget_range;
  return {
    category: graded.category === 1 ? 1 : 0,
    activity: graded.activity === 1 ? 1 : 0,
    living: graded.living === 1 ? 1 : 0,
    experience: graded.experience === 1 ? 1 : 0,
    price: !b || (pet.price >= b.min && pet.price <= b.max) ? 1 : 0,
    care: pet.careLevel <= careTolerance(prefs) ? 1 : 0,
  };
}

export function scoreByRules(pet: Pet, prefs: Preferences): ScoredPet {
  const factors = ruleFactors(pet, prefs);
  const requirements = requirementsScore(pet, prefs);
  const rules: FactorName[] = [...statedFactors(prefs)];
  const checks = rules.map((f) => factors[f]);
  if (prefs.special_requirements?.length) checks.push(requirements === 1 ? 1 : 0);
  const confidence = checks.length === 0 ? 1 : checks.reduce((s, c) => s + c, 0) / checks.length;
  return { pet, factors, requirements, confidence };
}

/** Hard filters (kind, budget ceiling, special traits) decide first; the share of rules passed next. */
function passesHardFilters(s: ScoredPet, prefs: Preferences): boolean {
  return (
    s.factors.category === 1 &&
    (!prefs.budget_range || s.pet.price <= prefs.budget_range.max) &&
    s.requirements === 1
  );
}

export const rulesModel: RecommendationModel = {
  variant: 'v1',
  version: 'v1-rules',
  rank(prefs, catalog = PETS) {
    const scored = sortRanking(
      candidates(prefs, catalog).map((p) => scoreByRules(p, prefs)),
      catalog,
      prefs,
    );
    // Stable partition: filtered-in pets first, the rest only top the list up.
    return [
      ...scored.filter((s) => passesHardFilters(s, prefs)),
      ...scored.filter((s) => !passesHardFilters(s, prefs)),
    ];
  },
  recommend(prefs, catalog = PETS) {
    return buildRecommendations(this.rank(prefs, catalog), prefs);
  },
};
