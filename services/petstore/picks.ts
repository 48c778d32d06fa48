// The storefront's own recommendations, for when the ml-advisor cannot answer in time: pets from the
// storefront's catalog that fit what the customer stated, judged with the same "fits my home / my
// experience" orderings as GET /pets. No model, no scores beyond the share of checks passed: enough
// to keep the journey going until the advisor is back (which the response says: source, fallback_*).
import { EXPERIENCES, LIVING_SITUATIONS, PETS, type Pet } from '../../catalog/products.ts';
import type { Preferences } from '../ml-advisor/contract.ts';

/** Reported as model_version while the storefront answers for the advisor. */
export const PICKS_VERSION = 'storefront-catalog-picks';

type Wanted = Partial<Omit<Preferences, 'max_recommendations'>>;

/** Each stated preference as a pass/fail check; unstated ones are not counted. */
function checks(pet: Pet, w: Wanted): boolean[] {
  const out: boolean[] = [];
  if (w.pet_types?.length) out.push(w.pet_types.includes(pet.category));
  if (w.budget_range) out.push(pet.price >= w.budget_range.min && pet.price <= w.budget_range.max);
  if (w.living_situation)
    out.push(LIVING_SITUATIONS.indexOf(pet.livingSituation) <= LIVING_SITUATIONS.indexOf(w.living_situation));
  if (w.experience_with_pets)
    out.push(EXPERIENCES.indexOf(pet.experience) <= EXPERIENCES.indexOf(w.experience_with_pets));
  if (w.activity_level) out.push(pet.activityLevel === w.activity_level);
  for (const trait of w.special_requirements ?? []) out.push(pet.traits.includes(trait));
  return out;
}

export interface Pick {
  pet_id: string;
  name: string;
  category: Pet['category'];
  price: number;
  confidence_score: number;
  reasoning: string;
}

/**
 * Up to `count` pets: the kinds asked for first (a customer who wants a bird is not shown a dog while
 * a bird is left), then those passing the most checks (catalog order among equals).
 */
export function catalogPicks(wanted: Wanted, count: number): Pick[] {
  const excluded = new Set(wanted.exclude_pets ?? []);
  const scored = PETS.filter((p) => !excluded.has(p.id)).map((pet) => {
    const c = checks(pet, wanted);
    const kind = !wanted.pet_types?.length || wanted.pet_types.includes(pet.category) ? 1 : 0;
    return { pet, kind, share: c.length ? c.filter(Boolean).length / c.length : 1 };
  });
  // Stable sort: equal keys keep catalog order, so the answer is the same on every replica.
  scored.sort((a, b) => b.kind - a.kind || b.share - a.share);
  return scored.slice(0, count).map(({ pet, share }) => ({
    pet_id: pet.id,
    name: pet.name,
    category: pet.category,
    price: pet.price,
    confidence_score: Math.round(share * 1000) / 1000,
    reasoning:
      share === 1
        ? 'Fits everything you told us (storefront pick while the advisor is unavailable).'
        : 'Closest fit in our catalog (storefront pick while the advisor is unavailable).',
  }));
}
