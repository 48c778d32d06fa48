// What the shop earns and how orders end: orders, revenue, checkouts, payments, stock, the saga.
import { METRICS } from '../../catalog/index.ts';
import { sumRate } from '../../alerts/promql.ts';
import type { PanelSpec, RowSpec } from '../panels.ts';
import { RANGE, RATE, svc } from '../selectors.ts';

const M = METRICS;

/** Events per second of a counter, by some of its labels. */
function perSecond(title: string, description: string, metric: string, by: string[]): PanelSpec {
  return {
    kind: 'timeseries',
    title,
    description,
    unit: 'ops',
    queries: [{ expr: sumRate(metric, svc(), RATE, by), legend: by.map((l) => `{{${l}}}`).join(' ') }],
    width: 6,
  };
}

export const business: RowSpec = {
  title: 'Business',
  panels: [
    perSecond(
      'Orders by outcome',
      'Orders that reached a final state per second: confirmed or failed (after compensation).',
      M.orders.name,
      ['outcome'],
    ),
    {
      kind: 'stat',
      title: 'Revenue in range',
      description: 'Revenue of confirmed orders in the selected time range, in dollars.',
      unit: 'currencyUSD',
      queries: [{ expr: `sum(increase(${M.orderRevenue.name}{${svc()}}[${RANGE}]))`, legend: 'revenue' }],
      width: 6,
    },
    {
      kind: 'timeseries',
      title: 'Revenue per hour',
      description:
        'Revenue of confirmed orders at the current pace, in dollars per hour (order service and storefront checkouts).',
      unit: 'currencyUSD',
      queries: [
        { expr: `${sumRate(M.orderRevenue.name, svc(), RATE, ['service'])} * 3600`, legend: 'orders' },
        {
          expr: `${sumRate(M.storefrontRevenue.name, svc(), RATE, ['service'])} * 3600`,
          legend: 'storefront checkouts',
        },
      ],
      width: 6,
    },
    perSecond(
      'Checkouts by outcome',
      'Storefront checkouts per second by outcome (confirmed, payment_declined, fraud_rejected, insufficient_stock, ...).',
      M.storefrontCheckouts.name,
      ['outcome'],
    ),
    perSecond(
      'Payments by outcome',
      'Payment attempts per second: succeeded, declined, failed, fraud_rejected.',
      M.payments.name,
      ['outcome'],
    ),
    perSecond(
      'Fraud checks by outcome',
      'Fraud checks per second (orders above the threshold get the slow, deliberate check).',
      M.fraudChecks.name,
      ['outcome'],
    ),
    perSecond(
      'Bank calls by outcome',
      'Calls to the simulated bank API per second: approved, declined, error.',
      M.bankCalls.name,
      ['outcome'],
    ),
    perSecond(
      'Refunds and voids',
      'Refunds (customer) and voids (saga compensation) of payments per second.',
      M.refunds.name,
      ['kind'],
    ),
    perSecond(
      'Reservations',
      'Inventory reservation operations per second (reserve, commit, release, expire) by outcome.',
      M.reservations.name,
      ['operation', 'outcome'],
    ),
    {
      kind: 'table',
      title: 'Stock by SKU',
      description: 'Units available for sale and held by open reservations, per SKU (inventory service).',
      unit: 'short',
      queries: [
        { expr: `sum by (sku) (${M.stockAvailable.name}{${svc()}})`, legend: 'available' },
        { expr: `sum by (sku) (${M.stockReserved.name}{${svc()}})`, legend: 'reserved' },
      ],
      width: 6,
    },
    perSecond(
      'Deliveries scheduled',
      'Deliveries scheduled for confirmed orders per second, by delivery window.',
      M.deliveriesScheduled.name,
      ['window'],
    ),
    perSecond(
      'Saga compensations',
      'Compensating actions of the order saga per second, by step and reason: every accepted order ends confirmed or compensated.',
      M.sagaCompensations.name,
      ['step', 'reason'],
    ),
    perSecond(
      'Sagas recovered',
      'Sagas found unfinished after a crash and resolved at start-up, by resolution (confirmed, compensated).',
      M.sagasRecovered.name,
      ['resolution'],
    ),
  ],
};
