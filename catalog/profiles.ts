// Customer profiles: the demo customers the storefront lists (GET /profiles) and the ml-advisor
// recommends for (a customer id that is, or starts with, a profile id gets that profile).
import type { Experience, Level, LivingSituation, PetCategory, SpecialTrait } from './products.ts';

/** How many recommendations a customer gets unless they ask for another number. */
export const DEFAULT_RECOMMENDATIONS = 5;

/** A profile's stated preferences, in the field names of the advisor's request body. */
export interface ProfilePreferences {
  readonly pet_types?: PetCategory[];
  readonly activity_level?: Level;
  readonly living_situation?: LivingSituation;
  readonly experience_with_pets?: Experience;
  readonly budget_range?: { readonly min: number; readonly max: number };
  readonly special_requirements?: SpecialTrait[];
  readonly exclude_pets?: string[];
  readonly max_recommendations: number;
}

export interface CustomerProfile {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly preferences: ProfilePreferences;
}

const profile = (
  id: string,
  name: string,
  description: string,
  prefs: Omit<ProfilePreferences, 'max_recommendations'>,
): CustomerProfile => ({
  id,
  name,
  description,
  preferences: { ...prefs, max_recommendations: DEFAULT_RECOMMENDATIONS },
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

/** The profile a customer id names: the profile id itself, or it followed by '-' or ':'. */
export function namedProfile(customerId: string): CustomerProfile | undefined {
  return (
    CUSTOMER_PROFILES.find((p) => p.id === customerId) ??
    CUSTOMER_PROFILES.find((p) => customerId.startsWith(`${p.id}-`) || customerId.startsWith(`${p.id}:`))
  );
}
