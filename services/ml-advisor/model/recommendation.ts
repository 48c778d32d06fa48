// Turns a model's ranking into what the customer sees: a reasoning sentence built from the strongest
// and weakest stated factors, similar alternatives, and a price hint derived from the catalog.
import { SUPPLIES } from '../../../catalog/products.ts';
import type { Pet, PetCategory } from '../../../catalog/products.ts';
import { EXPERIENCES, LEVELS, LIVING_SITUATIONS } from './preferences.ts';
import type { Preferences } from './preferences.ts';
import { FACTOR_NAMES, statedFactors } from './factors.ts';
import type { FactorName, MatchFactors } from './factors.ts';

export type Variant = 'v1' | 'v2';

/** One pet as a model sees it: its factor scores and the overall confidence 0..1. */
export interface ScoredPet {
  readonly pet: Pet;
  readonly factors: MatchFactors;
  /** Share of the requested special traits the pet has (1 when none requested). */
  readonly requirements: number;
  readonly confidence: number;
}

export interface PriceOptimization {
  readonly type: 'cheaper_alternative' | 'over_budget' | 'supplies_bundle';
  readonly message: string;
  readonly savings?: number;
  readonly alternative_pet_id?: string;
  readonly supply_skus?: readonly string[];
  readonly bundle_total?: number;
}

export interface Recommendation {
  readonly pet_id: string;
  readonly name: string;
  readonly category: PetCategory;
  readonly price: number;
  readonly confidence_score: number;
  readonly reasoning: string;
  readonly match_factors: MatchFactors;
  readonly alternative_suggestions: readonly string[];
  readonly price_optimization: PriceOptimization;
}

export interface RecommendationModel {
  readonly variant: Variant;
  /** Reported as model_version, e.g. "v2-weighted". */
  readonly version: string;
  /** Every candidate (excluded pets removed), best first. */
  rank(prefs: Preferences, catalog?: readonly Pet[]): ScoredPet[];
  recommend(prefs: Preferences, catalog?: readonly Pet[]): Recommendation[];
}

export const round3 = (n: number): number => Math.round(n * 1000) / 1000;
const money = (n: number): string =>
  `$${n.toLocaleString('en-US', { minimumFractionDigits: Number.isInteger(n) ? 0 : 2, maximumFractionDigits: 2 })}`;

/** Candidates a model may rank: the catalog minus the pets the customer excluded. */
export function candidates(prefs: Preferences, catalog: readonly Pet[]): Pet[] {
  const excluded = new Set(prefs.exclude_pets ?? []);
  return catalog.filter((p) => !excluded.has(p.id));
}

/**
 * How much of what the owner offers the pet leaves unused (space and experience levels): among
 * equally good matches, a working dog suits the expert on a farm better than a lap dog does.
 */
export function fitSlack(pet: Pet, prefs: Preferences): number {
  const living = prefs.living_situation
    ? Math.max(
        0,
        LIVING_SITUATIONS.indexOf(prefs.living_situation) - LIVING_SITUATIONS.indexOf(pet.livingSituation),
      )
    : 0;
  const experience = prefs.experience_with_pets
    ? Math.max(0, EXPERIENCES.indexOf(prefs.experience_with_pets) - EXPERIENCES.indexOf(pet.experience))
    : 0;
  return living + experience;
}

/** Best first; equal confidence: the tighter fit, then catalog order (never sort-stability luck). */
export function sortRanking(scored: ScoredPet[], catalog: readonly Pet[], prefs: Preferences): ScoredPet[] {
  const position = new Map(catalog.map((p, i) => [p.id, i]));
  return scored.sort(
    (a, b) =>
      (Math.abs(b.confidence - a.confidence) > 1e-9 ? b.confidence - a.confidence : 0) ||
      fitSlack(a.pet, prefs) - fitSlack(b.pet, prefs) ||
      (position.get(a.pet.id) ?? 0) - (position.get(b.pet.id) ?? 0),
  );
}

/** How alike two pets are for a buyer, 0..1: kind first, then lifestyle fit and price. */
export function petSimilarity(a: Pet, b: Pet): number {
  const gap = (order: readonly string[], x: string, y: string) =>
    Math.abs(order.indexOf(x) - order.indexOf(y));
  return (
    (a.category === b.category ? 0.4 : 0) +
    0.2 * (1 - gap(LEVELS, a.activityLevel, b.activityLevel) / 2) +
    0.15 * (1 - gap(LIVING_SITUATIONS, a.livingSituation, b.livingSituation) / 3) +
    0.1 * (1 - gap(EXPERIENCES, a.experience, b.experience) / 2) +
    0.15 * (Math.min(a.price, b.price) / Math.max(a.price, b.price))
  );
}

/** The two best other candidates by a blend of likeness to this pet and fit to the customer. */
export function alternativesFor(item: ScoredPet, ranking: readonly ScoredPet[], count = 2): string[] {
  return ranking
    .filter((other) => other.pet.id !== item.pet.id)
    .map((other) => ({
      id: other.pet.id,
      score: 0.5 * petSimilarity(item.pet, other.pet) + 0.5 * other.confidence,
    }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .slice(0, count)
    .map((o) => o.id);
}

/** Cheaper, nearly as good, same kind > over-budget warning > starter supplies that fit the budget. */
export function priceOptimization(
  item: ScoredPet,
  ranking: readonly ScoredPet[],
  prefs: Preferences,
): PriceOptimization {
  const { pet } = item;
  const cheaper = ranking
    .filter(
      (o) =>
        o.pet.category === pet.category &&
        o.pet.price <= 0.85 * pet.price &&
        o.confidence >= item.confidence - 0.1 &&
        o.pet.id !== pet.id,
    )
    .sort((a, b) => a.pet.price - b.pet.price || a.pet.id.localeCompare(b.pet.id))[0];
  if (cheaper) {
    const savings = round3(pet.price - cheaper.pet.price);
    return {
      type: 'cheaper_alternative',
      message:
        `${cheaper.pet.name} the ${cheaper.pet.breed} costs ${money(savings)} less (${money(cheaper.pet.price)} vs ` +
        `${money(pet.price)}) and matches almost as well (${pct(cheaper.confidence)} vs ${pct(item.confidence)}).`,
      savings,
      alternative_pet_id: cheaper.pet.id,
    };
  }
  const budget = prefs.budget_range;
  if (budget && pet.price > budget.max) {
    const inBudget = ranking
      .filter((o) => o.pet.category === pet.category && o.pet.price <= budget.max)
      .sort((a, b) => b.confidence - a.confidence || a.pet.price - b.pet.price)[0];
    const over = round3(pet.price - budget.max);
    return {
      type: 'over_budget',
      message:
        `${pet.name} is ${money(over)} over your ${money(budget.max)} maximum` +
        (inBudget
          ? `; ${inBudget.pet.name} the ${inBudget.pet.breed} (${money(inBudget.pet.price)}) is the best ${pet.category.replace('_', ' ')} within it.`
          : `; no ${pet.category.replace('_', ' ')} in the catalog fits it.`),
      savings: inBudget ? round3(pet.price - inBudget.pet.price) : undefined,
      alternative_pet_id: inBudget?.pet.id,
    };
  }
  return suppliesBundle(pet, budget?.max);
}

/** A starter bundle leaves out premium items (the $2,000 aviary is no starter purchase). */
export const STARTER_ITEM_MAX_PRICE = 500;

/** Up to three of the cheapest starter supplies for the pet's kind that still fit the budget left. */
export function suppliesBundle(pet: Pet, budgetMax: number | undefined): PriceOptimization {
  const left = budgetMax === undefined ? Number.POSITIVE_INFINITY : budgetMax - pet.price;
  const options = SUPPLIES.filter(
    (s) => s.forCategories.includes(pet.category) && s.price <= STARTER_ITEM_MAX_PRICE,
  ).sort((a, b) => a.price - b.price || a.sku.localeCompare(b.sku));
  const chosen: typeof options = [];
  let total = 0;
  for (const supply of options) {
    if (chosen.length === 3 || total + supply.price > left) break;
    chosen.push(supply);
    total += supply.price;
  }
  total = Math.round(total * 100) / 100;
  if (chosen.length === 0) {
    const first = options[0];
    return {
      type: 'supplies_bundle',
      message: first
        ? `${pet.name} uses your whole budget; essentials such as ${first.name} (${money(first.price)}) come on top.`
        : `${pet.name} needs no extra supplies from our catalog.`,
      supply_skus: [],
      bundle_total: 0,
    };
  }
  const withPet = Math.round((pet.price + total) * 100) / 100;
  const tail =
    budgetMax === undefined
      ? `${money(withPet)} with ${pet.name}.`
      : `${money(withPet)} with ${pet.name}, ${money(Math.round((budgetMax - withPet) * 100) / 100)} under your maximum.`;
  return {
    type: 'supplies_bundle',
    message: `Starter bundle: ${chosen.map((s) => s.name).join(', ')} (${money(total)}); ${tail}`,
    supply_skus: chosen.map((s) => s.sku),
    bundle_total: total,
  };
}

const pct = (n: number): string => `${Math.round(n * 100)}%`;
const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');
const words = (s: string): string => s.replaceAll('_', ' ');
/** "a", "a and b", "a, b and c". */
const list = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

function phrase(factor: FactorName, score: number, pet: Pet, prefs: Preferences): string {
  const good = score >= 0.99;
  switch (factor) {
    case 'category':
      return good
        ? `is one of the pet types you asked for`
        : score > 0
          ? `is a ${words(pet.category)}, close to the pet types you asked for`
          : `is a ${words(pet.category)}, not a pet type you asked for`;
    case 'activity':
      return good
        ? `matches your ${prefs.activity_level} activity level`
        : `has ${article(pet.activityLevel)} ${pet.activityLevel} activity level against your ${prefs.activity_level}`;
    case 'living':
      return good
        ? `suits ${article(words(prefs.living_situation ?? ''))} ${words(prefs.living_situation ?? '')}`
        : `needs more space (${words(pet.livingSituation)}) than ${article(words(prefs.living_situation ?? ''))} ${words(prefs.living_situation ?? '')}`;
    case 'experience':
      return good
        ? `needs no more experience than you have`
        : `needs ${pet.experience} experience, more than you have`;
    case 'price': {
      const b = prefs.budget_range;
      if (!b) return `fits your budget`;
      if (pet.price > b.max) return `costs ${money(pet.price)}, above your ${money(b.max)} maximum`;
      if (pet.price < b.min) return `costs ${money(pet.price)}, below your ${money(b.min)} minimum`;
      return `fits your ${money(b.min)}-${money(b.max)} budget at ${money(pet.price)}`;
    }
    case 'care':
      return good ? `has a care effort you can manage` : `needs a lot of care (${pet.careLevel} of 1)`;
  }
}

/**
 * "Buddy the Golden Retriever (86% match) is one of the pet types you asked for and matches your high
 * activity level, but costs $1,200, above your $1,000 maximum." Strongest two stated factors, weakest
 * one (if it is weak), and any missing special trait.
 */
export function reasoningFor(item: ScoredPet, prefs: Preferences): string {
  const { pet } = item;
  const head = `${pet.name} the ${pet.breed} (${pct(item.confidence)} match)`;
  const stated = FACTOR_NAMES.filter((f) => statedFactors(prefs).has(f));
  const missing = (prefs.special_requirements ?? []).filter((t) => !pet.traits.includes(t)).map(words);
  const met = (prefs.special_requirements ?? []).filter((t) => pet.traits.includes(t)).map(words);
  if (stated.length === 0 && met.length === 0 && missing.length === 0) {
    return `${head}: no preferences given, so ranked by how easy it is to care for (care ${pet.careLevel} of 1).`;
  }
  // Strongest first; among equals the seed's weight order (category before activity ...).
  const byScore = [...stated].sort((a, b) => item.factors[b] - item.factors[a]);
  const strong = byScore.filter((f) => item.factors[f] >= 0.75).slice(0, 2);
  const weakest = [...byScore].reverse().find((f) => item.factors[f] < 0.75);
  const positives = strong.map((f) => phrase(f, item.factors[f], pet, prefs));
  if (met.length > 0) positives.push(`is ${list(met)}`);
  const negatives = weakest ? [phrase(weakest, item.factors[weakest], pet, prefs)] : [];
  if (missing.length > 0) negatives.push(`is not ${missing.join(' or ')}`);
  const pos = positives.length > 0 ? ` ${list(positives)}` : '';
  const neg = negatives.length > 0 ? `${pos ? ', but' : ''} ${list(negatives)}` : '';
  return `${head}${pos}${neg}.`;
}

export function buildRecommendations(ranking: readonly ScoredPet[], prefs: Preferences): Recommendation[] {
  return ranking.slice(0, prefs.max_recommendations).map((item) => ({
    pet_id: item.pet.id,
    name: item.pet.name,
    category: item.pet.category,
    price: item.pet.price,
    confidence_score: round3(item.confidence),
    reasoning: reasoningFor(item, prefs),
    match_factors: Object.fromEntries(FACTOR_NAMES.map((f) => [f, round3(item.factors[f])])) as MatchFactors,
    alternative_suggestions: alternativesFor(item, ranking),
    price_optimization: priceOptimization(item, ranking, prefs),
  }));
}
