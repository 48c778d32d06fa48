// Which customer profile (catalog/profiles.ts) a user has, and how a user's past orders refine its
// preferences (GET /recommend/user/{id}).
import { createHash } from 'node:crypto';
import { PETS, SUPPLIES } from '../../../catalog/products.ts';
import type { PetCategory } from '../../../catalog/products.ts';
import type { Preferences } from './preferences.ts';
import { PET_CATEGORIES } from './preferences.ts';
import { CUSTOMER_PROFILES, namedProfile, type CustomerProfile } from '../../../catalog/profiles.ts';

export { CUSTOMER_PROFILES };

/**
 * A user id that is, or starts with, a profile id ("family-pet-seeker", "farm-owner-42") gets that
 * profile; any other id a stable, hash-chosen one, so a user's profile never changes between calls.
 */
export function profileForUser(userId: string): CustomerProfile {
  const direct = namedProfile(userId);
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
