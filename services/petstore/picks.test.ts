import { describe, expect, it } from 'vitest';
import { PETS } from '../../catalog/products.ts';
import { catalogPicks } from './picks.ts';

describe("the storefront's own picks", () => {
  it('offers the kinds asked for first, best fit first, and never a pet already bought', () => {
    const picks = catalogPicks(
      {
        pet_types: ['reptile'],
        budget_range: { min: 0, max: 280 },
        experience_with_pets: 'beginner',
        exclude_pets: ['leopard-gecko-ziggy-016'],
      },
      4,
    );
    expect(picks.map((p) => p.pet_id)).toEqual([
      'ball-python-monty-015', // reptile, in budget, needs an intermediate keeper: 2 of 3 checks
      'bearded-dragon-004', // reptile, over budget, intermediate: 1 of 3
      expect.any(String),
      expect.any(String),
    ]);
    expect(picks[0]?.confidence_score).toBe(0.667);
    expect(picks[2]?.category).not.toBe('reptile');
    expect(picks.some((p) => p.pet_id === 'leopard-gecko-ziggy-016')).toBe(false);
  });

  it('answers in catalog order, all fitting, when nothing was stated', () => {
    const picks = catalogPicks({}, 3);
    expect(picks.map((p) => p.pet_id)).toEqual(PETS.slice(0, 3).map((p) => p.id));
    expect(picks.every((p) => p.confidence_score === 1)).toBe(true);
  });
});
