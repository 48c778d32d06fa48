// The chaos report's pieces: the committed JSON Schema is current and rejects a broken report, the
// k6 log lines are summed up as the report says, and the run's plan gives >= 10 kills in 2 minutes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plan } from './chaos.ts';
import { clientAnswers, parseKeyLines, summarizeLoad, type KeyLine } from './load.ts';
import { SCHEMA_PATH, schemaText, validateReport, type ChaosReport } from './report.ts';

const outcome = (status: number, order_id: string | null, attempts = 1, error: string | null = null) => ({
  status,
  error,
  order_id,
  attempts,
  final: status !== 0 && status < 500,
});

const lines: KeyLine[] = [
  {
    chaos: 'answer',
    via: 'order',
    customer_id: 'c1',
    key: 'k1',
    fault: null,
    answers: [outcome(201, 'ORD-1', 3)],
    replay: outcome(201, 'ORD-1'),
  },
  {
    chaos: 'answer',
    via: 'petstore',
    customer_id: 'c2',
    key: 'k2',
    fault: 'payment.decline',
    answers: [outcome(402, 'ORD-2', 1, 'payment_declined'), outcome(402, 'ORD-2', 2, 'payment_declined')],
    replay: null,
  },
  {
    chaos: 'answer',
    via: 'order',
    customer_id: 'c3',
    key: 'k3',
    fault: null,
    answers: [outcome(0, null, 9)],
    replay: null,
  },
];

const report: ChaosReport = {
  target: 'local',
  started_at: '2026-12-02T10:00:00.000Z',
  duration_s: 150,
  passed: true,
  config: {
    chaos_seconds: 120,
    kill_every_s: 10,
    min_kills: 10,
    recovery_window_s: 60,
    order_rate_per_s: 6,
    victims: ['order', 'payment', 'inventory'],
    service_env: { LATENCY_SCALE: '0.25' },
  },
  load: { ...summarizeLoad(lines), k6_exit_code: 0 },
  kills: [{ at_s: 10.2, service: 'order', pid: 123, restarted_pid: 456, ready_after_ms: 2100 }],
  recovery: { window_s: 60, terminal_after_s: 1.5 },
  orders: { audited: 2, confirmed: 1, failed: 1, unfinished: 0, failures: { payment_declined: 1 } },
  invariants: [{ name: 'orders_terminal', description: 'every order ...', checked: 2, violations: 0 }],
  violations: [],
  problems: [],
  machine: { cpus: 2, load_average: [3.1, 2.5, 2] },
};

describe('chaos report', () => {
  it('has its JSON Schema committed and up to date (make chaos-schema)', async () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(await schemaText());
  });

  it('validates a report, and rejects one missing a number, with a negative count or an unknown invariant', () => {
    expect(validateReport(report)).toEqual([]);
    const { kills: _kills, ...noKills } = report;
    expect(validateReport(noKills)).toEqual(["/ must have required property 'kills'"]);
    expect(validateReport({ ...report, orders: { ...report.orders, failed: -1 } })).toEqual([
      '/orders/failed must be >= 0',
    ]);
    const violation = { invariant: 'made_up', message: 'x', ids: {} };
    expect(validateReport({ ...report, violations: [violation] })).toContain(
      '/violations/0/invariant must be equal to one of the allowed values',
    );
  });

  it('validates a cluster report (pod deletions, load run as its own Job) and rejects a kill that mixes both kinds', () => {
    const cluster: ChaosReport = {
      ...report,
      target: 'cluster',
      config: { ...report.config, order_rate_per_s: null, service_env: {} },
      load: null,
      kills: [
        {
          at_s: 3.1,
          service: 'inventory',
          pod: 'inventory-1-a',
          replacement_pod: 'inventory-1-b',
          ready_after_ms: 308,
        },
        { at_s: 6, service: 'order', pod: 'order-1-a', replacement_pod: null, ready_after_ms: null },
      ],
    };
    expect(validateReport(cluster)).toEqual([]);
    const mixed = { ...cluster.kills[0], pid: 12 };
    expect(validateReport({ ...cluster, kills: [mixed] })).not.toEqual([]);
    expect(validateReport({ ...cluster, target: 'kind' })).toContain(
      '/target must be equal to one of the allowed values',
    );
  });

  it("sums k6's key lines: keys, POSTs, retries, replays, duplicates, unanswered, answers by status", () => {
    const log = ['some k6 warning', ...lines.map((l) => JSON.stringify(l)), ''].join('\n');
    expect(parseKeyLines(log)).toEqual(lines);
    expect(summarizeLoad(lines)).toEqual({
      keys: 3,
      requests: 3 + 1 + 1 + 2 + 9,
      retried_keys: 3,
      replays: 1,
      concurrent_duplicates: 1,
      unanswered: 1,
      answers: { '201': 1, '402 payment_declined': 1, '0': 1 },
    });
    expect(clientAnswers(lines).map((a) => [a.key, a.order_id, a.final])).toEqual([
      ['k1', 'ORD-1', true],
      ['k1', 'ORD-1', true],
      ['k2', 'ORD-2', true],
      ['k2', 'ORD-2', true],
      ['k3', null, false],
    ]);
  });

  it('plans >= 10 kills in 2 minutes and >= 3 in 30 s, spaced so that they fit', () => {
    expect(plan(120)).toMatchObject({ minKills: 10, killEverySeconds: 10 });
    expect(plan(30)).toMatchObject({ minKills: 3, killEverySeconds: 6 });
    expect(plan(60, { CHAOS_MIN_KILLS: '8', CHAOS_RATE: '3' })).toMatchObject({
      minKills: 8,
      ratePerSecond: 3,
    });
  });
});
