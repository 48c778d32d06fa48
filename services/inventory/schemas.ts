import { z } from 'zod';

export const SKU = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'expected a SKU (letters, digits, dashes)');
export const RESERVATION_ID = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'expected letters, digits, _ or -');

export const reserveBody = z.strictObject({
  reservation_id: RESERVATION_ID.optional(),
  order_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,80}$/, 'expected letters, digits, _ or -')
    .optional(),
  items: z
    .array(
      z.strictObject({
        product_id: SKU,
        quantity: z
          .number()
          .int('quantity must be a whole number')
          .positive('quantity must be at least 1')
          .max(1000),
      }),
    )
    .min(1, 'at least one item is required')
    .max(50),
});
export type ReserveBody = z.infer<typeof reserveBody>;

export const releaseBody = z.strictObject({
  reason: z.string().min(1).max(200).default('released by caller'),
});

export const idParams = z.strictObject({ id: RESERVATION_ID });
export const skuParams = z.strictObject({ sku: SKU });
export const stockQuery = z.strictObject({
  kind: z.enum(['pet', 'supply']).optional(),
  sku: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',') : undefined))
    .pipe(z.array(SKU).max(50).optional()),
});
