// k6 thresholds derived from the catalog's SLOs, so a load run gates on the same objectives that the
// alert rules and canary analysis use. k6 exits with code 99 when any threshold fails.
import { SERVICES, type ServiceName } from '../../catalog/services.ts';

export type Thresholds = Record<string, string[]>;

/** p95 latency and error-rate objectives for each service the scenario calls, plus the check rate. */
export function sloThresholds(targets: readonly ServiceName[]): Thresholds {
  const thresholds: Thresholds = {};
  let maxErrorPercent = 0;
  for (const target of targets) {
    const { p95Ms, errorRatePercent } = SERVICES[target].slo;
    thresholds[`http_req_duration{target:${target}}`] = [`p(95)<${p95Ms}`];
    thresholds[`http_req_failed{target:${target}}`] = [`rate<${errorRatePercent / 100}`];
    maxErrorPercent = Math.max(maxErrorPercent, errorRatePercent);
  }
  // A failed check is a wrong answer; allow as many as the loosest error budget.
  thresholds['checks'] = [`rate>${1 - maxErrorPercent / 100}`];
  return thresholds;
}

/** Order latency objective for each order size, so the summary shows small and large side by side. */
export function orderSizeThresholds(): Thresholds {
  const { p95Ms } = SERVICES.order.slo;
  return {
    'http_req_duration{op:place_order,size:small}': [`p(95)<${p95Ms}`],
    'http_req_duration{op:place_order,size:large}': [`p(95)<${p95Ms}`],
  };
}

/** No 5xx at all: scenarios that inject business failures still must not see server errors. */
export const NO_SERVER_ERRORS: Thresholds = { server_errors: ['count==0'] };

/**
 * A threshold that always holds: k6 reports a tagged submetric in the summary only when a threshold
 * names it, so this shows per-phase numbers that are recorded, not gated.
 */
export function shown(kind: 'trend' | 'rate' | 'counter'): string[] {
  return [SHOWN_EXPRESSIONS[kind]];
}

export const SHOWN_EXPRESSIONS = { trend: 'max>=0', rate: 'rate>=0', counter: 'count>=0' } as const;

/** True for the always-holding thresholds of `shown`: they record, they do not gate. */
export function isShownOnly(expression: string): boolean {
  return (Object.values(SHOWN_EXPRESSIONS) as string[]).includes(expression);
}
