// Customer profiles (the seed's three plus more), shared by the storefront and by
// GET /recommend/user/{id}; and how a user's past orders refine their profile's preferences.
import { createHash } from 'node:crypto';
import { PETS, SUPPLIES } from '../../../catalog/products.ts';
import type { PetCategory } from '../../../catalog/products.ts';
import type { Preferences } from './preferences.ts';
import { DEFAULT_MAX_RECOMMENDATIONS, PET_CATEGORIES } from './preferences.ts';

export interface CustomerProfile {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly preferences: Preferences;
}

const profile = (
  id: string,
  name: string,
  description: string,
  prefs: Omit<Preferences, 'max_recommendations'>,
) => ({
  id,
  name,
  description,
  preferences: { ...prefs, max_recommendations: DEFAULT_MAX_RECOMMENDATIONS },
});

export const CUSTOMER_PROFILES: readonly CustomerProfile[] = [
  profile(
    'family-pet-seeker',
    'Family pet seeker',
    'Family with young children and a garden, wants a friendly dog.',
    {
      pet_types: ['dog'],
      activity_level: 'high',
      living_situation: 'house_with_yard',
      experience_with_pets: 'intermediate',
      budget_range: { min: 500, max: 1500 },
      special_requirements: ['good_with_children'],
    },
  ),
  profile('first-time-owner', 'First-time owner', 'Never had a pet, lives in a flat, wants something easy.', {
    pet_types: ['cat', 'small_animal', 'fish'],
    activity_level: 'medium',
    living_situation: 'apartment',
    experience_with_pets: 'beginner',
    budget_range: { min: 0, max: 800 },
  }),
  profile('exotic-enthusiast', 'Exotic enthusiast', 'Experienced keeper of reptiles and birds.', {
    pet_types: ['reptile', 'bird'],
    activity_level: 'low',
    living_situation: 'house',
    experience_with_pets: 'expert',
    budget_range: { min: 100, max: 2000 },
  }),
  profile(
    'busy-professional',
    'Busy professional',
    'Long office days in a city flat: a pet that copes alone.',
    {
      activity_level: 'low',
      living_situation: 'apartment',
      experience_with_pets: 'beginner',
      budget_range: { min: 0, max: 400 },
      special_requirements: ['low_maintenance'],
    },
  ),
  profile('senior-companion', 'Senior companion', 'Retired, calm home, wants a quiet companion.', {
    pet_types: ['cat', 'bird'],
    activity_level: 'low',
    living_situation: 'apartment',
    experience_with_pets: 'intermediate',
    budget_range: { min: 200, max: 1000 },
    special_requirements: ['quiet'],
  }),
  profile('farm-owner', 'Farm owner', 'Lots of land and experience, wants a working, active animal.', {
    pet_types: ['dog'],
    activity_level: 'high',
    living_situation: 'farm',
    experience_with_pets: 'expert',
    budget_range: { min: 500, max: 2000 },
  }),
  profile(
    'allergy-sensitive',
    'Allergy-sensitive household',
    'Allergies in the family: hypoallergenic pets only.',
    {
      living_situation: 'apartment',
      experience_with_pets: 'beginner',
      budget_range: { min: 0, max: 1500 },
      special_requirements: ['hypoallergenic'],
    },
  ),
];

const BY_ID = new Map(CUSTOMER_PROFILES.map((p) => [p.id, p]));

/**
 * A user id that is, or starts with, a profile id ("family-pet-seeker", "farm-owner-42") gets that
 * profile; any other id a stable, hash-chosen one, so a user's profile never changes between calls.
 */
export function profileForUser(userId: string): CustomerProfile {
  const direct =
    BY_ID.get(userId) ??
    CUSTOMER_PROFILES.find((p) => userId.startsWith(`${p.id}-`) || userId.startsWith(`${p.id}:`));
  if (direct) return direct;
  const index =
    createHash('sha256').update(`profile:${userId}`).digest().readUInt32BE(0) % CUSTOMER_PROFILES.length;
  return CUSTOMER_PROFILES[index] as CustomerProfile;
}

export interface PastOrder {
  readonly status?: string;
  readonly items: readonly { readonly product_id: string; readonly quantity: number }[];
}

export interface DerivedPreferences {
  readonly profile_id: string;
  readonly preferences: Preferences;
  /** Why the preferences differ from the profile's, for the response and the audit log. */
  readonly basis: {
    readonly orders_considered: number;
    readonly categories_from_orders: readonly PetCategory[];
    readonly excluded_pets: readonly string[];
    readonly budget_raised_to?: number;
  };
}

const PET_BY_ID = new Map(PETS.map((p) => [p.id, p]));
const SUPPLY_BY_SKU = new Map(SUPPLIES.map((s) => [s.sku, s]));

/**
 * Profile + order history -> preferences: pets already bought are excluded, the categories bought
 * for (pets, or supplies that serve one kind only) join the wanted pet types, and the budget ceiling
 * rises to the most the user has already paid for a pet. Failed orders bought nothing and are ignored.
 */
export function derivePreferences(userId: string, orders: readonly PastOrder[] = []): DerivedPreferences {
  const base = profileForUser(userId);
  const completed = orders.filter((o) => o.status === undefined || o.status === 'confirmed');
  const bought = new Set<string>();
  const categories = new Set<PetCategory>();
  let mostPaid = 0;
  for (const order of completed) {
    for (const item of order.items) {
      if (item.quantity <= 0) continue;
      const pet = PET_BY_ID.get(item.product_id);
      if (pet) {
        bought.add(pet.id);
        categories.add(pet.category);
        mostPaid = Math.max(mostPaid, pet.price);
        continue;
      }
      const supply = SUPPLY_BY_SKU.get(item.product_id);
      const only = supply?.forCategories.length === 1 ? supply.forCategories[0] : undefined;
      if (only) categories.add(only);
    }
  }
  const prefs = base.preferences;
  const fromOrders = PET_CATEGORIES.filter((c) => categories.has(c));
  // A profile without pet types means "any kind": adding bought kinds would narrow it, so only then skip.
  const petTypes = prefs.pet_types
    ? PET_CATEGORIES.filter((c) => prefs.pet_types?.includes(c) || categories.has(c))
    : undefined;
  const excluded = [
    ...new Set([...(prefs.exclude_pets ?? []), ...PETS.filter((p) => bought.has(p.id)).map((p) => p.id)]),
  ];
  const budget = prefs.budget_range;
  const raised = budget && mostPaid > budget.max ? mostPaid : undefined;
  const preferences: Preferences = {
    ...prefs,
    ...(petTypes ? { pet_types: petTypes } : {}),
    ...(budget ? { budget_range: { min: budget.min, max: raised ?? budget.max } } : {}),
    ...(excluded.length > 0 ? { exclude_pets: excluded } : {}),
  };
  return {
    profile_id: base.id,
    preferences,
    basis: {
      orders_considered: completed.length,
      categories_from_orders: fromOrders,
      excluded_pets: excluded,
      ...(raised !== undefined ? { budget_raised_to: raised } : {}),
    },
  };
}
