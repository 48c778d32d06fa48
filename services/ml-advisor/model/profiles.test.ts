import { describe, expect, it } from 'vitest';
import { preferencesSchema } from './preferences.ts';
import { CUSTOMER_PROFILES, derivePreferences, profileForUser } from './profiles.ts';
import { weightedModel } from './weighted-model.ts';

describe('customer profiles', () => {
  it('include the seed profiles and more, each with valid preferences', () => {
    const ids = CUSTOMER_PROFILES.map((p) => p.id);
    expect(ids).toEqual(
      expect.arrayContaining(['family-pet-seeker', 'first-time-owner', 'exotic-enthusiast']),
    );
    expect(ids.length).toBeGreaterThanOrEqual(6);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of CUSTOMER_PROFILES) expect(preferencesSchema.parse(p.preferences)).toEqual(p.preferences);
  });

  it('each profile gets recommendations that fit it', () => {
    const top = (id: string) => weightedModel.recommend(profileForUser(id).preferences)[0];
    expect(top('family-pet-seeker')?.category).toBe('dog');
    expect(top('exotic-enthusiast')?.category).toMatch(/reptile|bird/);
    expect(top('farm-owner')?.pet_id).toBe('border-collie-scout-008');
    expect(top('allergy-sensitive')?.match_factors).toBeDefined();
    expect(
      weightedModel
        .recommend(profileForUser('allergy-sensitive').preferences)
        .every((r) => r.reasoning.includes('hypoallergenic')),
    ).toBe(true);
  });

  it('maps user ids to profiles: by name or prefix, otherwise a stable hash', () => {
    expect(profileForUser('farm-owner').id).toBe('farm-owner');
    expect(profileForUser('senior-companion-17').id).toBe('senior-companion');
    expect(profileForUser('busy-professional:abc').id).toBe('busy-professional');
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = `user-${i}`;
      expect(profileForUser(id).id).toBe(profileForUser(id).id);
      seen.add(profileForUser(id).id);
    }
    expect(seen.size).toBe(CUSTOMER_PROFILES.length);
  });
});

describe('derivePreferences', () => {
  it('without orders is the profile', () => {
    const d = derivePreferences('family-pet-seeker');
    expect(d.preferences).toEqual(profileForUser('family-pet-seeker').preferences);
    expect(d.basis).toEqual({ orders_considered: 0, categories_from_orders: [], excluded_pets: [] });
  });

  it('excludes pets bought, adds their categories, raises the budget to what was paid', () => {
    const d = derivePreferences('first-time-owner-1', [
      {
        status: 'confirmed',
        items: [
          { product_id: 'bearded-dragon-004', quantity: 1 },
          { product_id: 'SUP-UV-LAMP-006', quantity: 1 },
        ],
      },
      { status: 'confirmed', items: [{ product_id: 'poodle-coco-009', quantity: 1 }] },
      { status: 'failed', items: [{ product_id: 'parrot-kiwi-017', quantity: 1 }] },
      { items: [{ product_id: 'SUP-AQUARIUM-013', quantity: 1 }] },
    ]);
    expect(d.profile_id).toBe('first-time-owner');
    // Profile wants cat, small_animal, fish; orders add dog and reptile (the failed parrot order bought nothing).
    expect(d.preferences.pet_types).toEqual(['dog', 'cat', 'small_animal', 'reptile', 'fish']);
    expect(d.preferences.exclude_pets).toEqual(['bearded-dragon-004', 'poodle-coco-009']);
    expect(d.preferences.budget_range).toEqual({ min: 0, max: 1400 });
    expect(d.basis).toEqual({
      orders_considered: 3,
      categories_from_orders: ['dog', 'reptile', 'fish'],
      excluded_pets: ['bearded-dragon-004', 'poodle-coco-009'],
      budget_raised_to: 1400,
    });
    const recs = weightedModel.recommend(d.preferences);
    expect(recs.map((r) => r.pet_id)).not.toContain('poodle-coco-009');
    expect(preferencesSchema.safeParse(d.preferences).success).toBe(true);
  });

  it('supplies for several kinds say nothing about the kind; an any-kind profile stays open', () => {
    const d = derivePreferences('busy-professional', [
      {
        items: [
          { product_id: 'SUP-GPS-COLLAR-010', quantity: 1 },
          { product_id: 'betta-blaze-020', quantity: 1 },
        ],
      },
    ]);
    expect(d.basis.categories_from_orders).toEqual(['fish']);
    expect(d.preferences.pet_types).toBeUndefined();
    expect(d.preferences.exclude_pets).toEqual(['betta-blaze-020']);
  });

  it('changes the recommendations the user gets', () => {
    const before = weightedModel.recommend(derivePreferences('family-pet-seeker').preferences)[0]?.pet_id;
    const after = weightedModel.recommend(
      derivePreferences('family-pet-seeker', [{ items: [{ product_id: before ?? '', quantity: 1 }] }])
        .preferences,
    )[0]?.pet_id;
    expect(before).toBeDefined();
    expect(after).not.toBe(before);
  });
});
