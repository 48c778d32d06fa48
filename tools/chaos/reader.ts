// Reads what the audit needs from the services' own read APIs (nothing is written): every order
// (GET /export/orders), every payment (GET /export/payments) and the stock (GET /stock), paging until
// the last page. Works against the local stack or any base URLs that reach a cluster's services
// (port-forward, the API server's service proxy).
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditOrder, AuditPayment, Snapshot, StockLevel } from './audit.ts';

export interface ServiceUrls {
  order: string;
  payment: string;
  inventory: string;
}

const PAGE = 500;
/** A service that is restarting (the chaos loop just killed it) gets this long to answer. */
const READ_DEADLINE_MS = 30_000;

/** GET a JSON document, retrying connection errors and 5xx until the deadline (read-only, so safe). */
async function getJson(url: string, deadlineMs = READ_DEADLINE_MS): Promise<Record<string, unknown>> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    let problem: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (res.ok) return (await res.json()) as Record<string, unknown>;
      problem = `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
      if (res.status < 500) throw new Error(`GET ${url} answered ${problem}`);
    } catch (err) {
      if ((err as Error).message.startsWith(`GET ${url}`)) throw err;
      problem = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`GET ${url} kept failing: ${problem}`);
    await sleep(500);
  }
}

async function pages<T>(base: string, path: string, field: string): Promise<T[]> {
  const out: T[] = [];
  let after: string | null = null;
  do {
    const query: string = `limit=${PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const page = await getJson(`${base}${path}?${query}`);
    const rows = page[field];
    if (!Array.isArray(rows)) throw new Error(`GET ${base}${path} answered no ${field} array`);
    out.push(...(rows as T[]));
    after = typeof page.next_after === 'string' ? page.next_after : null;
  } while (after);
  return out;
}

export const readOrders = (urls: ServiceUrls): Promise<AuditOrder[]> =>
  pages<AuditOrder>(urls.order, '/export/orders', 'orders');

export const readPayments = (urls: ServiceUrls): Promise<AuditPayment[]> =>
  pages<AuditPayment>(urls.payment, '/export/payments', 'payments');

export async function readStock(urls: ServiceUrls): Promise<StockLevel[]> {
  const body = await getJson(`${urls.inventory}/stock`);
  const rows = body.products;
  if (!Array.isArray(rows)) throw new Error(`GET ${urls.inventory}/stock answered no stock list`);
  type Row = Omit<StockLevel, 'sku'> & { product_id: string };
  return (rows as Row[]).map(({ product_id, available, reserved, sold, total }) => ({
    sku: product_id,
    available,
    reserved,
    sold,
    total,
  }));
}

/** Everything the audit reads, orders first (a payment is never older than its order). */
export async function readSnapshot(urls: ServiceUrls): Promise<Snapshot> {
  const orders = await readOrders(urls);
  const [payments, stock] = await Promise.all([readPayments(urls), readStock(urls)]);
  return { orders, payments, stock };
}

/**
 * Waits until every order is terminal (confirmed or failed) or the window ends; returns how long it
 * took (or undefined when the window ended first: the audit then reports the unfinished orders).
 */
export async function waitTerminal(
  urls: ServiceUrls,
  windowMs: number,
  onPoll?: (unfinished: number) => void,
): Promise<number | undefined> {
  const started = Date.now();
  for (;;) {
    const open = (await readOrders(urls)).filter((o) => o.status !== 'confirmed' && o.status !== 'failed');
    onPoll?.(open.length);
    if (open.length === 0) return Date.now() - started;
    if (Date.now() - started > windowMs) return undefined;
    await sleep(1000);
  }
}
