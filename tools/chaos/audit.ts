// The exactly-once audit: pure checks over what the order, payment and inventory services hold after
// a run (read through their APIs by reader.ts), against a snapshot taken before it. Each invariant
// counts what it checked and lists every violation with the IDs needed to look it up
// (make trace ID=..., GET /orders/:id, GET /payments/:id). Orders that existed before the snapshot are
// left out, so the audit also works on a stack or cluster that already served traffic.

/** An order as GET /export/orders answers it (the fields the audit reads). */
export interface AuditOrder {
  order_id: string;
  customer_id: string;
  status: string;
  items: { product_id: string; quantity: number }[];
  total_amount: number | null;
  idempotency_key: string | null;
  created_at: string;
  completed_at: string | null;
  trace_info: { payment_id: string | null };
  failure: { code: string } | null;
}

/** A payment as GET /export/payments answers it. */
export interface AuditPayment {
  payment_id: string;
  order_id: string | null;
  idempotency_key: string;
  amount: number;
  status: string;
}

/** One SKU as GET /stock answers it. */
export interface StockLevel {
  sku: string;
  available: number;
  reserved: number;
  sold: number;
  total: number;
}

export interface Snapshot {
  orders: AuditOrder[];
  payments: AuditPayment[];
  stock: StockLevel[];
}

/** What a client was answered for one Idempotency-Key (optional: the load's own record). */
export interface ClientAnswer {
  customer_id: string;
  key: string;
  order_id: string | null;
  status: number;
  /** A final answer (not lost, not 5xx, no Retry-After): every final answer to one key must agree. */
  final: boolean;
}

export interface AuditInput {
  /** Before the run: stock levels, and the orders and payments that already existed (left out). */
  before: { stock: StockLevel[]; order_ids: readonly string[]; payment_ids: readonly string[] };
  after: Snapshot;
  answers?: readonly ClientAnswer[];
}

export const INVARIANTS = {
  orders_terminal: 'every order is confirmed or failed once the recovery window is over',
  stock_conserved:
    'per SKU available + reserved + sold = total, total unchanged, sold moved by exactly the confirmed units, no units left held',
  one_capture_per_confirmed_order:
    'every confirmed order has exactly one captured payment, for its total, the one it records; no captured payment without a confirmed order',
  failed_orders_not_charged: "every failed order's payment is voided or refunded (or was never taken)",
  one_order_per_key:
    "no (customer, Idempotency-Key) maps to two orders; every answer a client got for a key names that order, with the outcome it ended with; a key's final answers agree",
} as const;
export type InvariantName = keyof typeof INVARIANTS;
export const INVARIANT_NAMES = Object.keys(INVARIANTS) as InvariantName[];

export interface Violation {
  invariant: InvariantName;
  message: string;
  /** The IDs to look the problem up by: order_id, payment_id, sku, idempotency_key, ... */
  ids: Record<string, string>;
}

export interface InvariantResult {
  name: InvariantName;
  description: string;
  /** How many things it checked (orders, SKUs, keys). */
  checked: number;
  violations: number;
}

export interface AuditResult {
  orders: {
    audited: number;
    confirmed: number;
    failed: number;
    unfinished: number;
    /** Failed orders by failure code (payment_declined, dependency_unavailable, ...). */
    failures: Record<string, number>;
  };
  invariants: InvariantResult[];
  violations: Violation[];
}

const TERMINAL = new Set(['confirmed', 'failed']);
/** Payment states in which the customer's money is taken (or may yet be). */
const HOLDS_MONEY = new Set(['succeeded', 'processing']);
const cents = (dollars: number | null): number => Math.round((dollars ?? 0) * 100);

function groupBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function ordersTerminal(orders: readonly AuditOrder[]): Violation[] {
  return orders
    .filter((o) => !TERMINAL.has(o.status))
    .map((o) => ({
      invariant: 'orders_terminal',
      message: `order ${o.order_id} is still ${o.status} (created ${o.created_at})`,
      ids: { order_id: o.order_id, status: o.status },
    }));
}

function stockConserved(
  before: readonly StockLevel[],
  after: readonly StockLevel[],
  orders: readonly AuditOrder[],
): Violation[] {
  const out: Violation[] = [];
  const v = (sku: string, message: string) =>
    out.push({ invariant: 'stock_conserved', message: `${sku}: ${message}`, ids: { sku } });
  const units = (status: (s: string) => boolean) => {
    const m = new Map<string, number>();
    for (const o of orders.filter((o) => status(o.status)))
      for (const i of o.items) m.set(i.product_id, (m.get(i.product_id) ?? 0) + i.quantity);
    return m;
  };
  const confirmed = units((s) => s === 'confirmed');
  const unfinished = units((s) => !TERMINAL.has(s));
  const now = new Map(after.map((s) => [s.sku, s]));
  for (const b of before) {
    const a = now.get(b.sku);
    if (!a) {
      v(b.sku, 'missing after the run');
      continue;
    }
    if (a.available + a.reserved + a.sold !== a.total)
      v(b.sku, `available ${a.available} + reserved ${a.reserved} + sold ${a.sold} != total ${a.total}`);
    if (a.total !== b.total) v(b.sku, `total changed from ${b.total} to ${a.total}`);
    const sold = a.sold - b.sold;
    const expected = confirmed.get(b.sku) ?? 0;
    if (sold !== expected) v(b.sku, `sold moved by ${sold}, confirmed orders hold ${expected} units`);
    const held = b.reserved + (unfinished.get(b.sku) ?? 0);
    if (a.reserved > held)
      v(b.sku, `${a.reserved - held} units still reserved with no unfinished order holding them`);
  }
  for (const sku of confirmed.keys())
    if (!before.some((b) => b.sku === sku)) v(sku, 'sold by a confirmed order but absent before the run');
  return out;
}

/** The order a payment belongs to: its order_id, or for a void tombstone its key (the saga keys by order id). */
function paymentsByOrder(payments: readonly AuditPayment[], orderIds: ReadonlySet<string>) {
  return groupBy(
    payments,
    (p) => p.order_id ?? (orderIds.has(p.idempotency_key) ? p.idempotency_key : undefined),
  );
}

function capturesPerConfirmedOrder(
  orders: readonly AuditOrder[],
  byOrder: Map<string, AuditPayment[]>,
  known: ReadonlySet<string>,
): Violation[] {
  const out: Violation[] = [];
  const v = (message: string, ids: Record<string, string>) =>
    out.push({ invariant: 'one_capture_per_confirmed_order', message, ids });
  for (const o of orders.filter((o) => o.status === 'confirmed')) {
    const captured = (byOrder.get(o.order_id) ?? []).filter((p) => p.status === 'succeeded');
    // With several captures (reported below), compare the one the order records.
    const first = captured.find((p) => p.payment_id === o.trace_info.payment_id) ?? captured[0];
    if (!first) {
      v(`confirmed order ${o.order_id} has no captured payment`, { order_id: o.order_id });
      continue;
    }
    if (captured.length > 1)
      v(`confirmed order ${o.order_id} was captured ${captured.length} times`, {
        order_id: o.order_id,
        payment_ids: captured.map((p) => p.payment_id).join(','),
      });
    if (cents(first.amount) !== cents(o.total_amount))
      v(`order ${o.order_id} totals ${o.total_amount} but its payment captured ${first.amount}`, {
        order_id: o.order_id,
        payment_id: first.payment_id,
      });
    if (o.trace_info.payment_id !== first.payment_id)
      v(
        `order ${o.order_id} records payment ${o.trace_info.payment_id} but ${first.payment_id} was captured`,
        {
          order_id: o.order_id,
          payment_id: first.payment_id,
        },
      );
  }
  // Money taken for an order the store does not have at all (failed ones are the next invariant's).
  for (const [orderId, payments] of byOrder) {
    if (known.has(orderId)) continue;
    for (const p of payments.filter((p) => p.status === 'succeeded'))
      v(`payment ${p.payment_id} captured ${p.amount} for unknown order ${orderId}`, {
        order_id: orderId,
        payment_id: p.payment_id,
      });
  }
  return out;
}

function failedOrdersNotCharged(
  orders: readonly AuditOrder[],
  byOrder: Map<string, AuditPayment[]>,
): Violation[] {
  const out: Violation[] = [];
  for (const o of orders.filter((o) => o.status === 'failed'))
    for (const p of (byOrder.get(o.order_id) ?? []).filter((p) => HOLDS_MONEY.has(p.status)))
      out.push({
        invariant: 'failed_orders_not_charged',
        message: `failed order ${o.order_id} has payment ${p.payment_id} ${p.status} for ${p.amount}`,
        ids: { order_id: o.order_id, payment_id: p.payment_id },
      });
  return out;
}

function oneOrderPerKey(orders: readonly AuditOrder[], answers: readonly ClientAnswer[]): Violation[] {
  const out: Violation[] = [];
  const scoped = (customer: string, key: string) => `${customer}\u0000${key}`;
  const byKey = groupBy(orders, (o) =>
    o.idempotency_key === null ? undefined : scoped(o.customer_id, o.idempotency_key),
  );
  for (const group of byKey.values()) {
    const [o] = group as [AuditOrder];
    if (group.length > 1)
      out.push({
        invariant: 'one_order_per_key',
        message: `key ${o.idempotency_key} of ${o.customer_id} created ${group.length} orders`,
        ids: {
          customer_id: o.customer_id,
          idempotency_key: o.idempotency_key ?? '',
          order_ids: group.map((g) => g.order_id).join(','),
        },
      });
  }
  for (const same of groupBy(answers, (a) => (a.final ? scoped(a.customer_id, a.key) : undefined)).values()) {
    const seen = new Set(same.map((a) => `${a.status} ${a.order_id ?? '-'}`));
    const [a] = same as [ClientAnswer];
    if (seen.size > 1)
      out.push({
        invariant: 'one_order_per_key',
        message: `key ${a.key} got different final answers: ${[...seen].join(' / ')}`,
        ids: { customer_id: a.customer_id, idempotency_key: a.key },
      });
  }
  for (const a of answers) {
    if (a.order_id === null) continue;
    const stored = byKey.get(scoped(a.customer_id, a.key));
    const order = stored?.find((o) => o.order_id === a.order_id);
    const told = a.status === 201 ? 'confirmed' : a.status === 402 || a.status === 409 ? 'failed' : undefined;
    if (order && a.final && told && TERMINAL.has(order.status) && order.status !== told)
      out.push({
        invariant: 'one_order_per_key',
        message: `a client was answered ${a.status} (${told}) for order ${order.order_id}, which ended ${order.status}`,
        ids: { customer_id: a.customer_id, idempotency_key: a.key, order_id: order.order_id },
      });
    if (order) continue;
    out.push({
      invariant: 'one_order_per_key',
      message: `a client was answered ${a.status} with order ${a.order_id} for key ${a.key}, but the key's order is ${
        stored?.map((o) => o.order_id).join(',') ?? 'none'
      }`,
      ids: { customer_id: a.customer_id, idempotency_key: a.key, order_id: a.order_id },
    });
  }
  return out;
}

export function audit(input: AuditInput): AuditResult {
  const old = new Set(input.before.order_ids);
  const orders = input.after.orders.filter((o) => !old.has(o.order_id));
  const ids = new Set(orders.map((o) => o.order_id));
  const oldPayments = new Set(input.before.payment_ids);
  const payments = input.after.payments.filter((p) => !oldPayments.has(p.payment_id));
  const byOrder = paymentsByOrder(payments, new Set([...ids, ...old]));
  for (const id of old) byOrder.delete(id);
  const answers = input.answers ?? [];
  const count = (s: string) => orders.filter((o) => o.status === s).length;
  const results: Record<InvariantName, { checked: number; violations: Violation[] }> = {
    orders_terminal: { checked: orders.length, violations: ordersTerminal(orders) },
    stock_conserved: {
      checked: input.before.stock.length,
      violations: stockConserved(input.before.stock, input.after.stock, orders),
    },
    one_capture_per_confirmed_order: {
      checked: count('confirmed'),
      violations: capturesPerConfirmedOrder(orders, byOrder, ids),
    },
    failed_orders_not_charged: {
      checked: count('failed'),
      violations: failedOrdersNotCharged(orders, byOrder),
    },
    one_order_per_key: {
      checked: new Set(
        orders.flatMap((o) => (o.idempotency_key ? [`${o.customer_id} ${o.idempotency_key}`] : [])),
      ).size,
      violations: oneOrderPerKey(orders, answers),
    },
  };
  return {
    orders: {
      audited: orders.length,
      confirmed: count('confirmed'),
      failed: count('failed'),
      unfinished: orders.filter((o) => !TERMINAL.has(o.status)).length,
      failures: Object.fromEntries(
        [...groupBy(orders, (o) => (o.status === 'failed' ? (o.failure?.code ?? 'unknown') : undefined))].map(
          ([code, list]) => [code, list.length],
        ),
      ),
    },
    invariants: INVARIANT_NAMES.map((name) => ({
      name,
      description: INVARIANTS[name],
      checked: results[name].checked,
      violations: results[name].violations.length,
    })),
    violations: INVARIANT_NAMES.flatMap((name) => results[name].violations),
  };
}
