import { describe, expect, it } from 'vitest';
import { PETS } from '../../../catalog/products.ts';
import type { Pet } from '../../../catalog/products.ts';
import {
  activityScore,
  careScore,
  categoryScore,
  experienceScore,
  livingScore,
  matchFactors,
  priceScore,
  requirementsScore,
} from './factors.ts';
import { preferencesSchema } from './preferences.ts';
import type { PreferencesInput } from './preferences.ts';

const pet = (id: string): Pet => {
  const p = PETS.find((x) => x.id === id);
  if (!p) throw new Error(id);
  return p;
};
const prefs = (input: PreferencesInput) => preferencesSchema.parse(input);
const buddy = pet('golden-retriever-001'); // dog 1200 high house_with_yard intermediate care .6
const princess = pet('persian-cat-002'); // cat 800 low apartment beginner care .8
const sunny = pet('canary-sunny-005'); // bird 75 medium apartment beginner care .4

describe('match factors', () => {
  it('every factor is 1 when nothing is stated (nothing contradicts)', () => {
    expect(matchFactors(buddy, prefs({}))).toEqual({
      category: 1,
      activity: 1,
      living: 1,
      experience: 1,
      price: 1,
      care: 1,
    });
  });

  it('category: wanted 1, same family (companion vs enclosure) partial, other family 0', () => {
    expect(categoryScore(buddy, prefs({ pet_types: ['dog'] }))).toBe(1);
    expect(categoryScore(princess, prefs({ pet_types: ['dog'] }))).toBe(0.3);
    expect(categoryScore(sunny, prefs({ pet_types: ['dog'] }))).toBe(0);
    expect(categoryScore(sunny, prefs({ pet_types: ['dog', 'fish'] }))).toBe(0.3);
  });

  it('activity: exact 1, neighbouring level 0.5, opposite 0', () => {
    expect(activityScore(buddy, prefs({ activity_level: 'high' }))).toBe(1);
    expect(activityScore(buddy, prefs({ activity_level: 'medium' }))).toBe(0.5);
    expect(activityScore(buddy, prefs({ activity_level: 'low' }))).toBe(0);
  });

  it('living: more space than the pet needs is a full match, less decays', () => {
    expect(livingScore(princess, prefs({ living_situation: 'farm' }))).toBe(1);
    expect(livingScore(buddy, prefs({ living_situation: 'house_with_yard' }))).toBe(1);
    expect(livingScore(buddy, prefs({ living_situation: 'house' }))).toBe(0.4);
    expect(livingScore(buddy, prefs({ living_situation: 'apartment' }))).toBe(0.1);
    expect(livingScore(pet('border-collie-scout-008'), prefs({ living_situation: 'apartment' }))).toBe(0);
  });

  it('experience: a pet needing less than the owner has is a full match', () => {
    expect(experienceScore(princess, prefs({ experience_with_pets: 'expert' }))).toBe(1);
    expect(experienceScore(buddy, prefs({ experience_with_pets: 'intermediate' }))).toBe(1);
    expect(experienceScore(buddy, prefs({ experience_with_pets: 'beginner' }))).toBe(0.4);
    expect(experienceScore(pet('parrot-kiwi-017'), prefs({ experience_with_pets: 'beginner' }))).toBe(0);
  });

  it('price: 1 inside the range, halves every 15 % above the max, gentle below the min', () => {
    const range = (min: number, max: number) => prefs({ budget_range: { min, max } });
    expect(priceScore(buddy, range(1000, 1200))).toBe(1);
    expect(priceScore(buddy, range(1200, 1500))).toBe(1);
    // 1200 is 20 % over 1000: 0.5^(200/150)
    expect(priceScore(buddy, range(0, 1000))).toBeCloseTo(Math.pow(0.5, 200 / 150), 10);
    expect(priceScore(buddy, range(0, 600))).toBeLessThan(0.01);
    // 800 below a 1000 minimum: 1 - 0.4 * 0.2
    expect(priceScore(princess, range(1000, 2000))).toBeCloseTo(0.92, 10);
    expect(priceScore(pet('goldfish-bubbles-019'), range(1000, 2000))).toBeGreaterThan(0.6);
  });

  it('care: tolerance grows with experience and shrinks for low_maintenance', () => {
    expect(careScore(princess, prefs({ experience_with_pets: 'expert' }))).toBe(1);
    // beginner tolerance 0.5: care 0.8 is 0.3 over -> 1 - 0.3/0.5
    expect(careScore(princess, prefs({ experience_with_pets: 'beginner' }))).toBeCloseTo(0.4, 10);
    expect(careScore(sunny, prefs({ experience_with_pets: 'beginner' }))).toBe(1);
    expect(careScore(sunny, prefs({ special_requirements: ['low_maintenance'] }))).toBeCloseTo(0.9, 10);
  });

  it('requirements: share of requested traits present', () => {
    const monty = pet('ball-python-monty-015');
    expect(requirementsScore(monty, prefs({ special_requirements: ['quiet', 'hypoallergenic'] }))).toBe(1);
    expect(requirementsScore(buddy, prefs({ special_requirements: ['quiet', 'good_with_children'] }))).toBe(
      0.5,
    );
    expect(requirementsScore(buddy, prefs({}))).toBe(1);
  });
});
