// The storefront's own settings, its audit vocabulary, and the kit its routes receive.
import { z } from 'zod';
import type { Config, Kit } from '../kit/service.ts';
import type { JourneyAuditEvent } from './journey.ts';

const ms = z.coerce.number().int().min(1).max(60_000);

export const petstoreConfig = {
  /** How long the storefront waits for the ml-advisor before answering with its own picks. */
  ADVISOR_BUDGET_MS: ms.default(700),
  /** How long recommendations wait for the customer's order history (then: profile only). */
  HISTORY_BUDGET_MS: ms.default(250),
  /** How long pet details wait for live stock (then: stock unknown). */
  STOCK_BUDGET_MS: ms.default(800),
  /** While the advisor's circuit is not closed, probe it this often so it closes without traffic. */
  ADVISOR_PROBE_MS: ms.default(2_000),
  /** Journeys kept for GET /journeys/{id} and the conversion figures. */
  JOURNEY_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(72),
};

export type PetstoreAuditEvent = JourneyAuditEvent | 'recommendation_fallback' | 'delivery_scheduled';

export const AUDIT_EVENTS: readonly PetstoreAuditEvent[] = [
  'journey_step',
  'journey_converted',
  'recommendation_fallback',
  'delivery_scheduled',
];

export type PetstoreKit = Kit<Config<typeof petstoreConfig>, PetstoreAuditEvent>;
