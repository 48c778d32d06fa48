// The storefront's pet catalog: browsing with filters and pagination over catalog/products.ts.
// "Fits my home / my experience" uses the advisor's orderings: a home suits every pet that needs no
// more space, an owner every pet that needs no more experience.
import { PETS } from '../../catalog/products.ts';
import type { Pet } from '../../catalog/products.ts';
import { EXPERIENCES, LIVING_SITUATIONS } from '../../catalog/products.ts';
import type { PetsQuery } from './contract.ts';

export function petView(p: Pet) {
  return {
    id: p.id,
    name: p.name,
    category: p.category,
    breed: p.breed,
    age_months: p.ageMonths,
    price: p.price,
    activity_level: p.activityLevel,
    living_situation: p.livingSituation,
    experience_required: p.experience,
    care_level: p.careLevel,
    traits: p.traits,
    description: p.description,
  };
}

export const petById = (id: string): Pet | undefined => PETS.find((p) => p.id === id);

const SORTS = {
  catalog: () => 0,
  price_asc: (a: Pet, b: Pet) => a.price - b.price,
  price_desc: (a: Pet, b: Pet) => b.price - a.price,
  name: (a: Pet, b: Pet) => a.name.localeCompare(b.name),
} as const;

export function browse(q: PetsQuery) {
  const matches = PETS.filter(
    (p) =>
      (!q.category || p.category === q.category) &&
      (q.max_price === undefined || p.price <= q.max_price) &&
      (q.min_price === undefined || p.price >= q.min_price) &&
      (!q.activity_level || p.activityLevel === q.activity_level) &&
      (!q.trait || p.traits.includes(q.trait)) &&
      (!q.living_situation ||
        LIVING_SITUATIONS.indexOf(p.livingSituation) <= LIVING_SITUATIONS.indexOf(q.living_situation)) &&
      (!q.experience || EXPERIENCES.indexOf(p.experience) <= EXPERIENCES.indexOf(q.experience)),
  );
  // Stable sort: equal keys keep catalog order, so pages never shuffle between requests.
  const sorted = [...matches].sort(SORTS[q.sort]);
  const total = sorted.length;
  const start = (q.page - 1) * q.page_size;
  return {
    pets: sorted.slice(start, start + q.page_size).map(petView),
    page: q.page,
    page_size: q.page_size,
    total,
    total_pages: Math.ceil(total / q.page_size),
  };
}
