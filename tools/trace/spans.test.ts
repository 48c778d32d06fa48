import { describe, expect, it } from 'vitest';
import { parseAuditLines, transactions } from './audit-trail.ts';
import { callDepth, exclusiveTime, flatten, servicesOf, spanTree, wallTime, type Span } from './spans.ts';

const span = (service: string, operation: string, startMs: number, durationMs: number): Span => ({
  service,
  operation,
  startMs,
  durationMs,
  outcome: 'success',
});

// One large order as the services log it: the order saga around inventory and payment steps; the
// order service logs its payment step 6 ms late (after a database write).
const order = {
  correlationId: 'TXN-20261202-120000-abcdef',
  spans: [
    span('order', 'create_order', 0, 1700),
    span('order', 'reserve_inventory', 5, 20),
    span('inventory', 'reserve', 10, 8),
    span('payment', 'fraud_check', 40, 1000),
    span('payment', 'bank_call', 1045, 500),
    span('order', 'process_payment', 41, 1510),
    span('order', 'commit_inventory', 1600, 30),
    span('inventory', 'commit', 1605, 10),
    span('order', 'order_creation_started', 2, 0),
  ],
};

describe('callDepth', () => {
  it('follows the catalog call graph', () => {
    expect(['payment', 'inventory', 'ml-advisor', 'order', 'petstore'].map(callDepth)).toEqual([
      0, 0, 0, 1, 2,
    ]);
    expect(callDepth('something-else')).toBeGreaterThan(callDepth('petstore'));
  });
});

describe('exclusiveTime', () => {
  it('gives waiting time to the callee and the rest to the innermost own step', () => {
    const t = exclusiveTime(order);
    const ms = (s: string, op: string) => t.get(s)?.get(op) ?? 0;
    expect(ms('payment', 'fraud_check')).toBe(1000);
    expect(ms('payment', 'bank_call')).toBe(500);
    expect(ms('inventory', 'reserve')).toBe(8);
    expect(ms('inventory', 'commit')).toBe(10);
    // The order's payment step only waited on payment: 5 ms between its two steps, 6 after them.
    expect(ms('order', 'process_payment')).toBe(5 + 6);
    expect(ms('order', 'reserve_inventory')).toBe(20 - 8);
    // Everything covered adds up to the saga's wall time.
    const sum = [...t.values()].flatMap((ops) => [...ops.values()]).reduce((a, b) => a + b, 0);
    expect(sum).toBe(1700);
  });
});

describe('spanTree', () => {
  it('nests callee steps under the caller step that overlaps them, also when logged late', () => {
    const rows = flatten(spanTree(order)).map((n) => `${'  '.repeat(n.depth)}${n.service}/${n.operation}`);
    expect(rows).toEqual([
      'order/create_order',
      '  order/order_creation_started',
      '  order/reserve_inventory',
      '    inventory/reserve',
      '  order/process_payment',
      '    payment/fraud_check',
      '    payment/bank_call',
      '  order/commit_inventory',
      '    inventory/commit',
    ]);
  });

  it('uses recorded parent ids when the spans have them', () => {
    const roots = spanTree({
      correlationId: 'x',
      spans: [
        { ...span('order', 'POST /orders', 0, 100), id: 'a' },
        { ...span('payment', 'POST /payments', 200, 50), id: 'b', parentId: 'a' },
      ],
    });
    expect(roots).toHaveLength(1);
    expect(roots[0]?.children.map((c) => c.operation)).toEqual(['POST /payments']);
  });
});

describe('wall time and services', () => {
  it('spans the first start to the last end; services ordered caller first', () => {
    expect(wallTime(order)).toEqual({ startMs: 0, durationMs: 1700 });
    expect(servicesOf(order)).toEqual(['order', 'inventory', 'payment']);
  });
});

describe('audit trail', () => {
  it('turns timed audit events into spans that end at the event time, and skips other lines', () => {
    const text = [
      '{"level":"info","time":"2026-12-02T12:00:01.000Z","service":"payment","audit":true,"event":"payment_fraud_check_completed","correlation_id":"TXN-1","operation":"fraud_check","duration_ms":800,"outcome":"failure","error_type":"fraud_rejected"}',
      '{"level":"info","time":"2026-12-02T12:00:00.100Z","service":"order","audit":true,"event":"order_creation_started","correlation_id":"TXN-1"}',
      '{"level":"info","time":"2026-12-02T12:00:00.100Z","service":"order","msg":"listening"}',
      '{"level":"info","time":"2026-12-02T12:00:00.100Z","service":"inventory","audit":true,"event":"inventory_seeded","correlation_id":"startup"}',
      '{"audit":true, cut short',
    ].join('\n');
    const records = parseAuditLines(text);
    expect(records).toHaveLength(3);
    const [t] = transactions(records);
    expect(transactions(records)).toHaveLength(1);
    const fraud = t?.spans.find((s) => s.operation === 'fraud_check');
    expect(fraud).toMatchObject({
      startMs: Date.parse('2026-12-02T12:00:00.200Z'),
      durationMs: 800,
      outcome: 'failure',
      errorType: 'fraud_rejected',
    });
    expect(t?.spans.find((s) => s.label === 'order_creation_started')?.durationMs).toBe(0);
  });
});
