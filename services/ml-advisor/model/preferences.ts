// What a customer tells the advisor. Strict: an unknown or misspelt field is an error that names it,
// never silently ignored, so a client learns at once that `budget` should have been `budget_range`.
import { z } from 'zod';
import {
  EXPERIENCES,
  LEVELS,
  LIVING_SITUATIONS,
  PET_CATEGORIES,
  PET_IDS,
  PETS,
  SPECIAL_TRAITS,
} from '../../../catalog/products.ts';

// The enumerations live in the catalog; re-exported here because the model's users import them from it.
export { EXPERIENCES, LEVELS, LIVING_SITUATIONS, PET_CATEGORIES, SPECIAL_TRAITS };

export const MAX_RECOMMENDATIONS_LIMIT = 20;
export const DEFAULT_MAX_RECOMMENDATIONS = 5;

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
export const recommendationRequestSchema = preferencesSchema.extend({
  user_id: z
    .string({ error: 'user_id must be a string' })
    .min(1, { error: 'user_id must not be empty' })
    .max(128, { error: 'user_id must be at most 128 characters' })
    .optional(),
});

/** Validated preferences (defaults applied). */
export type Preferences = z.output<typeof preferencesSchema>;
/** What a client may send (max_recommendations optional). */
export type PreferencesInput = z.input<typeof preferencesSchema>;
export type RecommendationRequest = z.output<typeof recommendationRequestSchema>;

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string; readonly issues: readonly string[] };

/**
 * One line per problem, each naming its field. Messages already start with the field; for array
 * elements the generic `pet_types[]` becomes the exact location, e.g. `pet_types[1] must be one of ...`.
 */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replaceAll('.[', '[');
    const [head = '', ...rest] = issue.message.split(' ');
    if (path && head.endsWith('[]') && path.startsWith(head.slice(0, -2))) return [path, ...rest].join(' ');
    return issue.message;
  });
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issues = describeIssues(result.error);
  return { ok: false, message: issues.join('; '), issues };
}

export const parsePreferences = (input: unknown): ParseResult<Preferences> =>
  parseWith(preferencesSchema, input);
export const parseRecommendationRequest = (input: unknown): ParseResult<RecommendationRequest> =>
  parseWith(recommendationRequestSchema, input);
