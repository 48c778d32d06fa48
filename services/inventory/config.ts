// The inventory service's own settings, its audit vocabulary, and the kit its routes receive.
import { z } from 'zod';
import type { Config, Kit } from '../kit/service.ts';

export const inventoryConfig = {
  RESERVATION_TTL_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60_000),
  RESERVATION_SWEEP_MS: z.coerce.number().int().min(10).default(5_000),
};

export const AUDIT_EVENTS = [
  'inventory_seeded',
  'inventory_reserved',
  'inventory_reservation_failed',
  'inventory_committed',
  'inventory_released',
  'inventory_reservation_expired',
] as const;

export type InventoryKit = Kit<Config<typeof inventoryConfig>, (typeof AUDIT_EVENTS)[number]>;
