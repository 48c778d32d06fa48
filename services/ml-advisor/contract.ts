// The ml-advisor's contract: its wire schemas and types and its operations (the OpenAPI document is
// built from them). Callers import only this module, and get only the wire contract: no model code
// (a caller that cannot reach the advisor has a fallback of its own).
import { z } from 'zod';
import { PRODUCT_SKUS } from '../../catalog/products.ts';
import { FACTOR_NAMES } from './model/index.ts';
import type { Weights } from './model/index.ts';
import { MAX_RECOMMENDATIONS_LIMIT, recommendationRequestSchema } from './model/preferences.ts';

export { recommendationRequestSchema };
export type { Preferences } from './model/preferences.ts';
/** @public The request body as a caller builds it. */
export type { RecommendationRequest } from './model/preferences.ts';
import { operation } from '../kit/contract.ts';

export const USER_ID = /^[A-Za-z0-9_.@:-]{1,128}$/;

export const userParams = z.strictObject({
  id: z.string().regex(USER_ID, 'user id must be 1-128 characters of A-Z a-z 0-9 _ . @ : -'),
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

/** MODEL_V2_WEIGHTS: "category=0.25,activity=0.2,..." (every factor named once, non-negative). */
export const weightsVar = z.string().transform((raw, ctx): Weights => {
  const out: Partial<Record<(typeof FACTOR_NAMES)[number], number>> = {};
  for (const part of raw.split(',')) {
    const [name = '', value = ''] = part.split('=').map((s) => s.trim());
    const factor = FACTOR_NAMES.find((f) => f === name);
    const n = Number(value);
    if (!factor || value === '' || !Number.isFinite(n) || n < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected factor=weight pairs for ${FACTOR_NAMES.join(', ')} (weights >= 0), got '${part}'`,
      });
      return z.NEVER;
    }
    out[factor] = n;
  }
  const missing = FACTOR_NAMES.filter((f) => out[f] === undefined);
  if (missing.length) {
    ctx.addIssue({ code: 'custom', message: `missing weights for ${missing.join(', ')}` });
    return z.NEVER;
  }
  return out as Weights;
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
