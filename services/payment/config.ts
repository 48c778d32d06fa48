// The payment service's own settings, its audit vocabulary, and the kit its routes receive.
import { z } from 'zod';
import type { Config, Kit } from '../kit/service.ts';

export const paymentConfig = {
  /** Fraud rules reject single payments above this amount. */
  FRAUD_MAX_AMOUNT: z.coerce.number().positive().default(25_000),
  /** A charge still 'processing' this long after its last update was interrupted by a crash. */
  PAYMENT_STALE_MS: z.coerce.number().int().min(1).default(60_000),
};

export const AUDIT_EVENTS = [
  'payment_processing_started',
  'payment_fraud_check_completed',
  'payment_bank_call_completed',
  'payment_succeeded',
  'payment_declined',
  'payment_failed',
  'payment_fraud_rejected',
  'payment_replayed',
  'payment_refunded',
  'payment_voided',
  'payment_recovered',
] as const;

export type PaymentKit = Kit<Config<typeof paymentConfig>, (typeof AUDIT_EVENTS)[number]>;
