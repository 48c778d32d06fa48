// Customers and carts drawn from the real product catalog. A "small" order stays well under the
// payment service's fraud-check threshold; a "large" one is well over it, so it pays the deliberate
// fraud-check delay. Products are drawn in proportion to their initial stock: supplies (5000 each)
// dominate and pets (200 each) appear now and then, so long runs do not sell out the pets first.
import { PRODUCTS, type Product } from '../../catalog/products.ts';
import { FRAUD_CHECK_THRESHOLD_DOLLARS } from '../../catalog/thresholds.ts';

export type OrderSize = 'small' | 'large';

export interface OrderItem {
  readonly product_id: string;
  readonly quantity: number;
}

export interface OrderRequest {
  readonly customer_id: string;
  readonly items: readonly OrderItem[];
}

export interface Cart {
  readonly size: OrderSize;
  readonly items: readonly OrderItem[];
  /** At catalog prices (inventory owns prices at run time; they start equal). */
  readonly totalDollars: number;
}

/** Small carts stay under half the threshold; large carts exceed it by a fifth: clear of rounding. */
export const SMALL_CART_MAX_DOLLARS = FRAUD_CHECK_THRESHOLD_DOLLARS / 2;
export const LARGE_CART_MIN_DOLLARS = FRAUD_CHECK_THRESHOLD_DOLLARS * 1.2;
/** Large carts are built from items at least this expensive, so they stay a few lines long. */
const LARGE_ITEM_MIN_DOLLARS = 100;
const MAX_SMALL_LINES = 3;
/** Returning customers: a bounded pool, like a real shop's. */
export const CUSTOMER_POOL = 500;

type Random = () => number;

const priceOf = new Map(PRODUCTS.map((p) => [p.sku, p.price]));

export function cartTotal(items: readonly OrderItem[]): number {
  let total = 0;
  for (const item of items) {
    const price = priceOf.get(item.product_id);
    if (price === undefined) throw new Error(`unknown product ${item.product_id}`);
    total += price * item.quantity;
  }
  return Math.round(total * 100) / 100;
}

function pickByStock(candidates: readonly Product[], random: Random): Product {
  let weight = 0;
  for (const p of candidates) weight += p.initialStock;
  let r = random() * weight;
  for (const p of candidates) {
    r -= p.initialStock;
    if (r < 0) return p;
  }
  const last = candidates[candidates.length - 1];
  if (!last) throw new Error('no product to pick from');
  return last;
}

function addLine(lines: Map<string, number>, sku: string, quantity: number): void {
  lines.set(sku, (lines.get(sku) ?? 0) + quantity);
}

function toItems(lines: Map<string, number>): OrderItem[] {
  return [...lines].map(([product_id, quantity]) => ({ product_id, quantity }));
}

export function smallCart(random: Random = Math.random): Cart {
  const lines = new Map<string, number>();
  let total = 0;
  const wanted = 1 + Math.floor(random() * MAX_SMALL_LINES);
  for (let i = 0; i < wanted; i++) {
    const budget = SMALL_CART_MAX_DOLLARS - total;
    const affordable = PRODUCTS.filter((p) => p.price <= budget);
    if (affordable.length === 0) break;
    const product = pickByStock(affordable, random);
    const quantity = product.price * 2 <= budget && random() < 0.3 ? 2 : 1;
    addLine(lines, product.sku, quantity);
    total += product.price * quantity;
  }
  const items = toItems(lines);
  return { size: 'small', items, totalDollars: cartTotal(items) };
}

const LARGE_CANDIDATES = PRODUCTS.filter((p) => p.price >= LARGE_ITEM_MIN_DOLLARS);

export function largeCart(random: Random = Math.random): Cart {
  const lines = new Map<string, number>();
  let total = 0;
  // Each line adds at least $100, so this ends within a dozen lines.
  while (total <= LARGE_CART_MIN_DOLLARS) {
    const product = pickByStock(LARGE_CANDIDATES, random);
    const quantity = random() < 0.5 ? 2 : 1;
    addLine(lines, product.sku, quantity);
    total += product.price * quantity;
  }
  const items = toItems(lines);
  return { size: 'large', items, totalDollars: cartTotal(items) };
}

export function cart(size: OrderSize, random: Random = Math.random): Cart {
  return size === 'large' ? largeCart(random) : smallCart(random);
}

/** 'large' with the given probability, else 'small'. */
export function drawSize(largeShare: number, random: Random = Math.random): OrderSize {
  return random() < largeShare ? 'large' : 'small';
}

export function customerId(random: Random = Math.random): string {
  return `CUST-${String(1 + Math.floor(random() * CUSTOMER_POOL)).padStart(5, '0')}`;
}

export function orderRequest(c: Cart, random: Random = Math.random): OrderRequest {
  return { customer_id: customerId(random), items: c.items };
}

/** A SKU to look up, drawn like cart items. */
export function browseSku(random: Random = Math.random): string {
  return pickByStock(PRODUCTS, random).sku;
}
