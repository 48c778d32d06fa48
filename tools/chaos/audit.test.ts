// The audit must be able to fail: a consistent run passes clean, and each invariant is broken on its
// own by a fixture that names the IDs involved.
import { describe, expect, it } from 'vitest';
import {
  audit,
  INVARIANT_NAMES,
  type AuditInput,
  type AuditOrder,
  type AuditPayment,
  type InvariantName,
  type StockLevel,
} from './audit.ts';

const stock = (sku: string, available: number, reserved = 0, sold = 0): StockLevel => ({
  sku,
  available,
  reserved,
  sold,
  total: available + reserved + sold,
});

function order(
  id: string,
  status: string,
  items: [string, number][],
  total: number,
  payment?: string,
): AuditOrder {
  return {
    order_id: id,
    customer_id: 'alice',
    status,
    items: items.map(([product_id, quantity]) => ({ product_id, quantity })),
    total_amount: total,
    idempotency_key: `key-${id}`,
    created_at: '2026-12-02T10:00:00.000Z',
    completed_at: status === 'confirmed' || status === 'failed' ? '2026-12-02T10:00:01.000Z' : null,
    trace_info: { payment_id: payment ?? null },
    failure: status === 'failed' ? { code: payment ? 'payment_declined' : 'insufficient_stock' } : null,
  };
}

const payment = (id: string, orderId: string | null, amount: number, status: string): AuditPayment => ({
  payment_id: id,
  order_id: orderId,
  idempotency_key: orderId ?? `ORD-${id}`,
  amount,
  status,
});

/**
 * A consistent run: ORD-A confirmed (2 hay, captured), ORD-B failed after a charge (refunded),
 * ORD-C declined, ORD-D failed before any charge (void tombstone), one older order left out.
 */
function consistent(): AuditInput {
  return {
    before: {
      stock: [stock('HAY', 100, 0, 5), stock('LEASH', 50)],
      order_ids: ['ORD-OLD'],
      payment_ids: ['PAY-OLD'],
    },
    after: {
      orders: [
        order('ORD-OLD', 'pending', [['HAY', 1]], 10),
        order('ORD-A', 'confirmed', [['HAY', 2]], 25.5, 'PAY-A'),
        order('ORD-B', 'failed', [['LEASH', 1]], 30, 'PAY-B'),
        order('ORD-C', 'failed', [['HAY', 1]], 12.75),
        order('ORD-D', 'failed', [['LEASH', 3]], 90),
      ],
      payments: [
        payment('PAY-OLD', 'ORD-OLD', 10, 'processing'),
        payment('PAY-A', 'ORD-A', 25.5, 'succeeded'),
        payment('PAY-B', 'ORD-B', 30, 'refunded'),
        payment('PAY-C', 'ORD-C', 12.75, 'declined'),
        { ...payment('PAY-D', null, 0, 'voided'), idempotency_key: 'ORD-D' },
      ],
      stock: [stock('HAY', 98, 0, 7), stock('LEASH', 50)],
    },
  };
}

/** The run with one change, and the invariants that report violations. */
function broken(change: (input: AuditInput) => void): {
  failing: InvariantName[];
  result: ReturnType<typeof audit>;
} {
  const input = consistent();
  change(input);
  const result = audit(input);
  return { failing: result.invariants.filter((i) => i.violations > 0).map((i) => i.name), result };
}

const find = <T>(list: T[], pred: (t: T) => boolean): T => {
  const found = list.find(pred);
  if (!found) throw new Error('fixture has no such entry');
  return found;
};

describe('exactly-once audit', () => {
  it('passes a consistent run and counts what it checked (older orders and payments left out)', () => {
    const result = audit(consistent());
    expect(result.violations).toEqual([]);
    expect(result.orders).toEqual({
      audited: 4,
      confirmed: 1,
      failed: 3,
      unfinished: 0,
      failures: { payment_declined: 1, insufficient_stock: 2 },
    });
    expect(Object.fromEntries(result.invariants.map((i) => [i.name, i.checked]))).toEqual({
      orders_terminal: 4,
      stock_conserved: 2,
      one_capture_per_confirmed_order: 1,
      failed_orders_not_charged: 3,
      one_order_per_key: 4,
    });
    expect(result.invariants.map((i) => i.name)).toEqual(INVARIANT_NAMES);
  });

  it('orders_terminal: an order left compensating', () => {
    const { failing, result } = broken((i) => {
      const o = find(i.after.orders, (o) => o.order_id === 'ORD-D');
      o.status = 'compensating';
    });
    expect(failing).toContain('orders_terminal');
    expect(result.violations.find((v) => v.invariant === 'orders_terminal')?.ids).toEqual({
      order_id: 'ORD-D',
      status: 'compensating',
    });
  });

  it.each([
    [
      'a unit sold twice',
      (s: StockLevel) => ((s.sold += 1), (s.available -= 1)),
      /sold moved by 3, confirmed orders hold 2/,
    ],
    [
      'a unit lost',
      (s: StockLevel) => (s.available -= 1),
      /available 97 \+ reserved 0 \+ sold 7 != total 105/,
    ],
    ['units left held', (s: StockLevel) => ((s.reserved += 2), (s.available -= 2)), /2 units still reserved/],
    [
      'total changed',
      (s: StockLevel) => ((s.total += 10), (s.available += 10)),
      /total changed from 105 to 115/,
    ],
  ])('stock_conserved: %s', (_name, change, message) => {
    const { failing, result } = broken((i) => change(find(i.after.stock, (s) => s.sku === 'HAY')));
    expect(failing).toEqual(['stock_conserved']);
    expect(result.violations[0]).toMatchObject({
      ids: { sku: 'HAY' },
      message: expect.stringMatching(message),
    });
  });

  it('stock_conserved: a SKU missing after the run', () => {
    const { failing } = broken((i) => (i.after.stock = i.after.stock.filter((s) => s.sku !== 'LEASH')));
    expect(failing).toEqual(['stock_conserved']);
  });

  it('one_capture_per_confirmed_order: captured twice', () => {
    const { failing, result } = broken((i) =>
      i.after.payments.push(payment('PAY-A2', 'ORD-A', 25.5, 'succeeded')),
    );
    expect(failing).toEqual(['one_capture_per_confirmed_order']);
    expect(result.violations[0]?.ids).toEqual({ order_id: 'ORD-A', payment_ids: 'PAY-A,PAY-A2' });
  });

  it('one_capture_per_confirmed_order: not captured, or refunded while confirmed', () => {
    expect(broken((i) => i.after.payments.splice(1, 1)).failing).toEqual(['one_capture_per_confirmed_order']);
    const refunded = broken(
      (i) => (find(i.after.payments, (p) => p.payment_id === 'PAY-A').status = 'refunded'),
    );
    expect(refunded.failing).toEqual(['one_capture_per_confirmed_order']);
    expect(refunded.result.violations[0]?.message).toMatch(/ORD-A has no captured payment/);
  });

  it('one_capture_per_confirmed_order: the wrong amount, or another payment than the order records', () => {
    const amount = broken((i) => (find(i.after.payments, (p) => p.payment_id === 'PAY-A').amount = 25.49));
    expect(amount.result.violations.map((v) => v.message)).toEqual([
      'order ORD-A totals 25.5 but its payment captured 25.49',
    ]);
    const other = broken(
      (i) => (find(i.after.orders, (o) => o.order_id === 'ORD-A').trace_info.payment_id = 'PAY-X'),
    );
    expect(other.failing).toEqual(['one_capture_per_confirmed_order']);
  });

  it('one_capture_per_confirmed_order: money captured for an order that does not exist', () => {
    const { failing, result } = broken((i) =>
      i.after.payments.push(payment('PAY-Z', 'ORD-GHOST', 5, 'succeeded')),
    );
    expect(failing).toEqual(['one_capture_per_confirmed_order']);
    expect(result.violations[0]?.ids).toEqual({ order_id: 'ORD-GHOST', payment_id: 'PAY-Z' });
  });

  it.each(['succeeded', 'processing'])(
    'failed_orders_not_charged: a failed order with a payment %s',
    (status) => {
      const { failing, result } = broken(
        (i) => (find(i.after.payments, (p) => p.payment_id === 'PAY-B').status = status),
      );
      expect(failing).toEqual(['failed_orders_not_charged']);
      expect(result.violations[0]?.ids).toEqual({ order_id: 'ORD-B', payment_id: 'PAY-B' });
    },
  );

  it('failed_orders_not_charged: a tombstoned key that was charged after all', () => {
    const { failing } = broken(
      (i) => (find(i.after.payments, (p) => p.payment_id === 'PAY-D').status = 'succeeded'),
    );
    expect(failing).toEqual(['failed_orders_not_charged']);
  });

  it('one_order_per_key: one key, two orders (a replay that executed again)', () => {
    const { failing, result } = broken((i) => {
      find(i.after.orders, (o) => o.order_id === 'ORD-C').idempotency_key = 'key-ORD-B';
    });
    expect(failing).toEqual(['one_order_per_key']);
    expect(result.violations[0]?.ids).toEqual({
      customer_id: 'alice',
      idempotency_key: 'key-ORD-B',
      order_ids: 'ORD-B,ORD-C',
    });
  });

  it('one_order_per_key: the same key in two customers scopes is two keys', () => {
    const { failing } = broken((i) => {
      const o = find(i.after.orders, (o) => o.order_id === 'ORD-C');
      o.idempotency_key = 'key-ORD-B';
      o.customer_id = 'bob';
    });
    expect(failing).toEqual([]);
  });

  it("one_order_per_key: a client answered with another order than the key's", () => {
    const answers = [
      { customer_id: 'alice', key: 'key-ORD-A', order_id: 'ORD-A', status: 201, final: true },
      { customer_id: 'alice', key: 'key-ORD-A', order_id: 'ORD-B', status: 201, final: false },
    ];
    const { failing, result } = broken((i) => (i.answers = answers));
    expect(failing).toEqual(['one_order_per_key']);
    expect(result.violations.map((v) => v.ids.order_id)).toEqual(['ORD-B']);
  });

  it('one_order_per_key: a client told its order was confirmed (or failed) when it ended otherwise', () => {
    const answers = [
      { customer_id: 'alice', key: 'key-ORD-B', order_id: 'ORD-B', status: 201, final: true },
      { customer_id: 'alice', key: 'key-ORD-A', order_id: 'ORD-A', status: 402, final: true },
      // Consistent ones: a decline for a failed order, a confirmation for a confirmed one.
      { customer_id: 'alice', key: 'key-ORD-C', order_id: 'ORD-C', status: 402, final: true },
      { customer_id: 'alice', key: 'key-ORD-D', order_id: 'ORD-D', status: 409, final: true },
    ];
    const { failing, result } = broken((i) => (i.answers = answers));
    expect(failing).toEqual(['one_order_per_key']);
    expect(result.violations.map((v) => v.message)).toEqual([
      'a client was answered 201 (confirmed) for order ORD-B, which ended failed',
      'a client was answered 402 (failed) for order ORD-A, which ended confirmed',
    ]);
  });

  it('one_order_per_key: two final answers to one key that disagree (a replay that was not one)', () => {
    const answers = [
      { customer_id: 'alice', key: 'key-ORD-B', order_id: 'ORD-B', status: 402, final: true },
      { customer_id: 'alice', key: 'key-ORD-B', order_id: 'ORD-B', status: 201, final: true },
      // Not final (lost, 5xx, "retry after"): may differ from the final answer.
      { customer_id: 'alice', key: 'key-ORD-A', order_id: null, status: 0, final: false },
      { customer_id: 'alice', key: 'key-ORD-A', order_id: 'ORD-A', status: 201, final: true },
    ];
    const { failing, result } = broken((i) => (i.answers = answers));
    expect(failing).toEqual(['one_order_per_key']);
    expect(result.violations[0]?.message).toBe(
      'key key-ORD-B got different final answers: 402 ORD-B / 201 ORD-B',
    );
  });
});
