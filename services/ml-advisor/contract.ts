// The ml-advisor's contract: its wire schemas and types and its operations (the OpenAPI document is
// built from them). Callers import only this module, and get only the wire contract: no model code
// (a caller that cannot reach the advisor has a fallback of its own).
import { z } from 'zod';
import {
  EXPERIENCES,
  LEVELS,
  LIVING_SITUATIONS,
  PET_CATEGORIES,
  PET_IDS,
  PETS,
  PRODUCT_SKUS,
  SPECIAL_TRAITS,
} from '../../catalog/products.ts';
import { DEFAULT_RECOMMENDATIONS } from '../../catalog/profiles.ts';
import { operation } from '../kit/contract.ts';

// The enumerations live in the catalog; re-exported for the model, which reads them from here.
export { EXPERIENCES, LEVELS, LIVING_SITUATIONS, PET_CATEGORIES, SPECIAL_TRAITS };

// What a customer tells the advisor. Strict: an unknown or misspelt field is an error that names it,
// never silently ignored, so a client learns at once that `budget` should have been `budget_range`.
export const MAX_RECOMMENDATIONS_LIMIT = 20;
export const DEFAULT_MAX_RECOMMENDATIONS = DEFAULT_RECOMMENDATIONS;

const oneOf = (field: string, values: readonly string[]) => ({
  error: `${field} must be one of ${values.join(', ')}`,
});

// Unknown keys get their own message (zod's default names them; a custom object error would hide that).
const objectError = (field: string, shape: string) => (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys'
    ? `${field} has unknown field(s): ${(issue.keys ?? []).join(', ')}`
    : `${field} must be an object ${shape}`;

const budgetRangeSchema = z
  .strictObject(
    {
      min: z
        .number({ error: 'budget_range.min must be a number' })
        .min(0, { error: 'budget_range.min must be >= 0' })
        .max(1_000_000, { error: 'budget_range.min must be <= 1000000' }),
      max: z
        .number({ error: 'budget_range.max must be a number' })
        .positive({ error: 'budget_range.max must be > 0' })
        .max(1_000_000, { error: 'budget_range.max must be <= 1000000' }),
    },
    { error: objectError('budget_range', '{min, max}') },
  )
  .refine((b) => b.min <= b.max, {
    error: 'budget_range.min must not exceed budget_range.max',
    path: ['min'],
  });

export const preferencesSchema = z.strictObject(
  {
    pet_types: z
      .array(z.enum(PET_CATEGORIES, oneOf('pet_types[]', PET_CATEGORIES)), {
        error: 'pet_types must be an array of pet categories',
      })
      .max(PET_CATEGORIES.length, { error: `pet_types may list at most ${PET_CATEGORIES.length} categories` })
      .optional(),
    activity_level: z.enum(LEVELS, oneOf('activity_level', LEVELS)).optional(),
    living_situation: z.enum(LIVING_SITUATIONS, oneOf('living_situation', LIVING_SITUATIONS)).optional(),
    experience_with_pets: z.enum(EXPERIENCES, oneOf('experience_with_pets', EXPERIENCES)).optional(),
    budget_range: budgetRangeSchema.optional(),
    special_requirements: z
      .array(z.enum(SPECIAL_TRAITS, oneOf('special_requirements[]', SPECIAL_TRAITS)), {
        error: 'special_requirements must be an array of traits',
      })
      .max(SPECIAL_TRAITS.length, {
        error: `special_requirements may list at most ${SPECIAL_TRAITS.length} traits`,
      })
      .optional(),
    exclude_pets: z
      .array(
        z.enum(PET_IDS, {
          error: (iss) =>
            typeof iss.input === 'string'
              ? `exclude_pets[] is not a known pet id: '${iss.input}'`
              : 'exclude_pets[] must be pet id strings',
        }),
        { error: 'exclude_pets must be an array of pet ids' },
      )
      .max(PETS.length, { error: `exclude_pets may list at most ${PETS.length} ids` })
      .optional(),
    max_recommendations: z
      .int({ error: 'max_recommendations must be an integer' })
      .min(1, { error: 'max_recommendations must be between 1 and 20' })
      .max(MAX_RECOMMENDATIONS_LIMIT, { error: 'max_recommendations must be between 1 and 20' })
      .default(DEFAULT_MAX_RECOMMENDATIONS),
  },
  { error: objectError('preferences', 'of preference fields') },
);

/** The body of POST /recommendations: preferences plus who asks (for the sticky A/B variant). */
export const recommendationRequestSchema = preferencesSchema
  .extend({
    user_id: z
      .string({ error: 'user_id must be a string' })
      .min(1, { error: 'user_id must not be empty' })
      .max(128, { error: 'user_id must be at most 128 characters' })
      .optional(),
  })
  .meta({
    examples: [
      {
        pet_types: ['dog'],
        activity_level: 'high',
        living_situation: 'house_with_yard',
        experience_with_pets: 'intermediate',
        budget_range: { min: 200, max: 2000 },
        special_requirements: ['good_with_children'],
        max_recommendations: 3,
        user_id: 'family-pet-seeker-1',
      },
    ],
  });

/** Validated preferences (defaults applied). */
export type Preferences = z.output<typeof preferencesSchema>;
/** What a client may send (max_recommendations optional). */
export type PreferencesInput = z.input<typeof preferencesSchema>;
/** @public The request body as a caller builds it. */
export type RecommendationRequest = z.output<typeof recommendationRequestSchema>;

export const USER_ID = /^[A-Za-z0-9_.@:-]{1,128}$/;

export const userParams = z.strictObject({
  id: z
    .string()
    .regex(USER_ID, 'user id must be 1-128 characters of A-Z a-z 0-9 _ . @ : -')
    .meta({ examples: ['family-pet-seeker-1'] }),
});

/** One catalog SKU (all are letters, digits and dashes, so the alternation needs no escaping). */
const ANY_SKU = `(?:${PRODUCT_SKUS.join('|')})`;

/**
 * Comma-separated product ids the user already bought (the storefront reads them from order
 * history): catalog SKUs only, which the pattern itself says, so the document states the rule.
 */
const purchased = z
  .string()
  .max(2000, 'purchased must be at most 2000 characters')
  .regex(
    new RegExp(`^${ANY_SKU}(?:,${ANY_SKU})*$`),
    'purchased must be a comma-separated list of catalog product ids (GET /stock on the inventory)',
  )
  .transform((raw) => raw.split(','));

export const userQuery = z.strictObject({
  purchased: purchased.optional(),
  max_results: z.coerce
    .number({ message: 'max_results must be a number' })
    .int('max_results must be a whole number')
    .min(1, `max_results must be between 1 and ${MAX_RECOMMENDATIONS_LIMIT}`)
    .max(MAX_RECOMMENDATIONS_LIMIT, `max_results must be between 1 and ${MAX_RECOMMENDATIONS_LIMIT}`)
    .optional(),
});

// The operations: what each route accepts and answers (service.ts binds a handler to each).
export const operations = {
  recommend: operation({
    method: 'post',
    path: '/recommendations',
    summary:
      'Recommend pets for stated preferences; the variant is sticky per user_id (anonymous: per request)',
    body: recommendationRequestSchema,
    business: true,
    responses: {
      200: 'recommendations (fallback_used says whether the rules fallback answered)',
      400: 'invalid preferences',
      422: 'budget_range.min exceeds budget_range.max',
    },
  }),
  recommendForUser: operation({
    method: 'get',
    path: '/recommend/user/:id',
    summary:
      "Recommend pets for a user from their customer profile and purchases (the storefront passes the product ids of the user's confirmed orders)",
    params: userParams,
    query: userQuery,
    business: true,
    responses: { 200: 'recommendations for the user', 400: 'invalid user id or query' },
  }),
  modelPerformance: operation({
    method: 'get',
    path: '/analytics/model-performance',
    summary:
      'Served requests, latency p50/p95, average confidence, fallback rate, per-variant results and the offline accuracy on the evaluation set',
    responses: { 200: 'model performance' },
  }),
};
