import { describe, expect, it } from 'vitest';
import { parsePreferences, parseRecommendationRequest, preferencesSchema } from './preferences.ts';

const errorOf = (input: unknown): string => {
  const r = parsePreferences(input);
  if (r.ok) throw new Error(`expected rejection of ${JSON.stringify(input)}`);
  return r.message;
};

describe('preferences schema', () => {
  it('accepts a full, valid body and applies the max_recommendations default', () => {
    const r = parsePreferences({
      pet_types: ['dog', 'cat'],
      activity_level: 'high',
      living_situation: 'house_with_yard',
      experience_with_pets: 'beginner',
      budget_range: { min: 100, max: 1200 },
      special_requirements: ['good_with_children'],
      exclude_pets: ['labrador-max-006'],
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.max_recommendations).toBe(5);
      expect(r.value.budget_range).toEqual({ min: 100, max: 1200 });
    }
    expect(preferencesSchema.parse({}).max_recommendations).toBe(5);
    expect(preferencesSchema.parse({ max_recommendations: 20 }).max_recommendations).toBe(20);
  });

  it.each([
    [{ colour: 'red' }, 'preferences has unknown field(s): colour'],
    [{ budget_range: { min: 1, max: 2, currency: 'usd' } }, 'budget_range has unknown field(s): currency'],
    [{ pet_types: 'dog' }, 'pet_types must be an array'],
    [{ pet_types: ['dog', 'dragon'] }, 'pet_types[1] must be one of dog, cat'],
    [{ activity_level: 'extreme' }, 'activity_level must be one of low, medium, high'],
    [{ living_situation: 'castle' }, 'living_situation must be one of'],
    [{ experience_with_pets: 'guru' }, 'experience_with_pets must be one of beginner'],
    [{ budget_range: 500 }, 'budget_range must be an object {min, max}'],
    [{ budget_range: { min: 5 } }, 'budget_range.max must be a number'],
    [{ budget_range: { min: -1, max: 5 } }, 'budget_range.min must be >= 0'],
    [{ budget_range: { min: 0, max: 0 } }, 'budget_range.max must be > 0'],
    [{ budget_range: { min: 900, max: 100 } }, 'budget_range.min must not exceed budget_range.max'],
    [{ special_requirements: ['fluffy'] }, 'special_requirements[0] must be one of hypoallergenic'],
    [{ exclude_pets: ['unicorn-999'] }, "exclude_pets[0] is not a known pet id: 'unicorn-999'"],
    [{ exclude_pets: [7] }, 'exclude_pets[0] must be pet id strings'],
    [{ max_recommendations: 0 }, 'max_recommendations must be between 1 and 20'],
    [{ max_recommendations: 21 }, 'max_recommendations must be between 1 and 20'],
    [{ max_recommendations: 2.5 }, 'max_recommendations must be an integer'],
    [{ max_recommendations: '5' }, 'max_recommendations must be an integer'],
    [null, 'preferences must be an object'],
    [[], 'preferences must be an object'],
    [{ user_id: 'u1' }, 'preferences has unknown field(s): user_id'],
  ])('rejects %j naming the field', (input, expected) => {
    expect(errorOf(input)).toContain(expected);
  });

  it('reports every problem, not just the first', () => {
    const r = parsePreferences({ activity_level: 'x', max_recommendations: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues).toHaveLength(2);
      expect(r.message).toMatch(/activity_level.*; max_recommendations/);
    }
  });

  it('the request schema adds user_id and stays strict', () => {
    const ok = parseRecommendationRequest({ user_id: 'user-7', pet_types: ['fish'] });
    expect(ok.ok && ok.value.user_id).toBe('user-7');
    const empty = parseRecommendationRequest({ user_id: '' });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.message).toBe('user_id must not be empty');
    const unknown = parseRecommendationRequest({ user_id: 'u', budget: 5 });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.message).toContain('unknown field(s): budget');
  });
});
