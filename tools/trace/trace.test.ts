import { describe, expect, it } from 'vitest';
import { toTransaction, type JaegerTrace } from './jaeger.ts';
import { renderTree } from './render.ts';

// Two traces under one correlation ID, in the query API's format: a storefront checkout (petstore ->
// order -> payment) and the order's lookup afterwards.
const traces: JaegerTrace[] = [
  {
    traceID: 't1',
    processes: {
      p1: { serviceName: 'petstore' },
      p2: { serviceName: 'order' },
      p3: { serviceName: 'payment' },
    },
    spans: [
      {
        spanID: 'a',
        operationName: 'POST /orders',
        startTime: 1_000_000,
        duration: 1_500_000,
        processID: 'p1',
      },
      {
        spanID: 'b',
        operationName: 'POST /orders',
        references: [{ refType: 'CHILD_OF', spanID: 'a' }],
        startTime: 1_010_000,
        duration: 1_450_000,
        processID: 'p2',
      },
      {
        spanID: 'c',
        operationName: 'payment.fraud_check',
        references: [{ refType: 'CHILD_OF', spanID: 'b' }],
        startTime: 1_050_000,
        duration: 1_000_000,
        processID: 'p3',
        tags: [{ key: 'otel.status_code', value: 'ERROR' }],
      },
    ],
  },
  {
    traceID: 't2',
    processes: { p1: { serviceName: 'petstore' } },
    spans: [
      {
        spanID: 'a',
        operationName: 'GET /orders/{id}',
        startTime: 3_000_000,
        duration: 20_000,
        processID: 'p1',
      },
    ],
  },
];

describe('traces from a Jaeger query API', () => {
  it('keeps the recorded parents across services and prints the tree with offsets and durations', () => {
    const t = toTransaction('TXN-1', traces);
    expect(t.spans.map((s) => [s.service, s.parentId])).toEqual([
      ['petstore', undefined],
      ['order', 't1:a'],
      ['payment', 't1:b'],
      ['petstore', undefined],
    ]);
    const text = renderTree(t, 'test');
    expect(text.split('\n')).toEqual([
      'Correlation ID: TXN-1',
      '  4 steps in petstore, order, payment; 2020 ms from first to last (source: test)',
      '    +0.0 ms   1500 ms  ├── petstore  POST /orders',
      '     +10 ms   1450 ms  │   └── order     POST /orders',
      '     +50 ms   1000 ms  │       └── payment   payment.fraud_check  FAILED',
      '   +2000 ms     20 ms  └── petstore  GET /orders/{id}',
    ]);
  });
});
