// What a customer tells the advisor, as the model reads it. The schemas are the advisor's wire
// contract (../contract.ts, the one module other code imports); this module adds the parsing the
// model's evaluation and tests use: one message per problem, each naming its field.
import type { z } from 'zod';
import { preferencesSchema, recommendationRequestSchema } from '../contract.ts';
import type { Preferences, RecommendationRequest } from '../contract.ts';

export {
  EXPERIENCES,
  LEVELS,
  LIVING_SITUATIONS,
  MAX_RECOMMENDATIONS_LIMIT,
  PET_CATEGORIES,
  preferencesSchema,
} from '../contract.ts';
export type { Preferences, PreferencesInput, RecommendationRequest } from '../contract.ts';

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
