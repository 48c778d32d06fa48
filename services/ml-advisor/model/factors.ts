// The six match factors of the seed's weighted model, each a 0..1 score of how well one pet fits one
// aspect of the preferences. A factor the customer did not state scores 1: nothing contradicts it.
import type { Pet, PetCategory } from '../../../catalog/products.ts';
import { EXPERIENCES, LEVELS, LIVING_SITUATIONS } from './preferences.ts';
import type { Preferences } from './preferences.ts';

export const FACTOR_NAMES = ['category', 'activity', 'living', 'experience', 'price', 'care'] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];
export type MatchFactors = Record<FactorName, number>;

/** Furry companions versus pets kept in a cage, tank or terrarium: a near miss beats a far one. */
const CATEGORY_FAMILY: Record<PetCategory, 'companion' | 'enclosure'> = {
  dog: 'companion',
  cat: 'companion',
  small_animal: 'companion',
  bird: 'enclosure',
  reptile: 'enclosure',
  fish: 'enclosure',
};
const SAME_FAMILY_SCORE = 0.3;

export function categoryScore(pet: Pet, prefs: Preferences): number {
  const wanted = prefs.pet_types;
  if (!wanted || wanted.length === 0) return 1;
  if (wanted.includes(pet.category)) return 1;
  return wanted.some((c) => CATEGORY_FAMILY[c] === CATEGORY_FAMILY[pet.category]) ? SAME_FAMILY_SCORE : 0;
}

/** Exact level 1, a neighbouring level half, opposite ends 0. */
export function activityScore(pet: Pet, prefs: Preferences): number {
  if (!prefs.activity_level) return 1;
  const gap = Math.abs(LEVELS.indexOf(pet.activityLevel) - LEVELS.indexOf(prefs.activity_level));
  return [1, 0.5, 0][gap] ?? 0;
}

/** A pet's living situation is the least space it needs: more space is a full match, less decays fast. */
export function livingScore(pet: Pet, prefs: Preferences): number {
  if (!prefs.living_situation) return 1;
  const shortfall =
    LIVING_SITUATIONS.indexOf(pet.livingSituation) - LIVING_SITUATIONS.indexOf(prefs.living_situation);
  return shortfall <= 0 ? 1 : ([1, 0.4, 0.1, 0][shortfall] ?? 0);
}

/** A pet that needs less experience than the owner has is a full match; one level short is risky. */
export function experienceScore(pet: Pet, prefs: Preferences): number {
  if (!prefs.experience_with_pets) return 1;
  const shortfall = EXPERIENCES.indexOf(pet.experience) - EXPERIENCES.indexOf(prefs.experience_with_pets);
  return shortfall <= 0 ? 1 : ([1, 0.4, 0][shortfall] ?? 0);
}

/**
 * 1 inside the budget. Above it the score halves for every 15 % over the maximum (an over-budget pet
 * is rarely bought). Below the minimum it is still affordable, so it only drops gently, to 0.6 at $0.
 */
export function priceScore(pet: Pet, prefs: Preferences): number {
  const budget = prefs.budget_range;
  if (!budget) return 1;
  if (pet.price > budget.max) return Math.pow(0.5, (pet.price - budget.max) / (0.15 * budget.max));
  if (pet.price < budget.min) return 1 - 0.4 * ((budget.min - pet.price) / budget.min);
  return 1;
}

/**
 * How much care effort the owner can take on: more with experience, little when they asked for a
 * low-maintenance pet. Full match up to that tolerance, then linear down to 0 at 0.5 above it.
 */
export function careTolerance(prefs: Preferences): number {
  const byExperience = { beginner: 0.5, intermediate: 0.7, expert: 1 } as const;
  const base = prefs.experience_with_pets ? byExperience[prefs.experience_with_pets] : 0.7;
  return prefs.special_requirements?.includes('low_maintenance') ? Math.min(base, 0.35) : base;
}

export function careScore(pet: Pet, prefs: Preferences): number {
  const excess = pet.careLevel - careTolerance(prefs);
  return excess <= 0 ? 1 : Math.max(0, 1 - excess / 0.5);
}

/** Share of the requested special traits the pet has (1 when none were requested). */
export function requirementsScore(pet: Pet, prefs: Preferences): number {
  const wanted = prefs.special_requirements ?? [];
  if (wanted.length === 0) return 1;
  return wanted.filter((t) => pet.traits.includes(t)).length / wanted.length;
}

export function matchFactors(pet: Pet, prefs: Preferences): MatchFactors {
  return {
    category: categoryScore(pet, prefs),
    activity: activityScore(pet, prefs),
    living: livingScore(pet, prefs),
    experience: experienceScore(pet, prefs),
    price: priceScore(pet, prefs),
    care: careScore(pet, prefs),
  };
}

/** Which factors the customer actually expressed: only those are worth talking about in reasoning. */
export function statedFactors(prefs: Preferences): Set<FactorName> {
  const stated = new Set<FactorName>();
  if (prefs.pet_types?.length) stated.add('category');
  if (prefs.activity_level) stated.add('activity');
  if (prefs.living_situation) stated.add('living');
  if (prefs.experience_with_pets) stated.add('experience');
  if (prefs.budget_range) stated.add('price');
  if (prefs.experience_with_pets || prefs.special_requirements?.includes('low_maintenance'))
    stated.add('care');
  return stated;
}
