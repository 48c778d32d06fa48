// Service level objectives: what every service promises (objectives live in services.ts, per
// service) and how fast an error budget may burn before someone is told. Alert rules, recording
// rules and the dashboard's SLO row are generated from this; nothing here is PromQL.
import { SERVICES, type ServiceName } from './services.ts';

/** Period the objectives (and so the error budgets) are defined over. */
export const SLO_PERIOD_DAYS = 30;

export type SloKind = 'availability' | 'latency';
export const SLO_KINDS: readonly SloKind[] = ['availability', 'latency'];

export interface Objective {
  readonly service: ServiceName;
  readonly slo: SloKind;
  /** Target share of good requests, 0..1 (e.g. 0.999). */
  readonly target: number;
  /** Latency objectives: a request is good when answered within this many ms. */
  readonly thresholdMs?: number;
}

export function objective(service: ServiceName, slo: SloKind): Objective {
  const s = SERVICES[service].slo;
  return slo === 'availability'
    ? { service, slo, target: s.availabilityPercent / 100 }
    : { service, slo, target: s.latencyPercent / 100, thresholdMs: s.p95Ms };
}

/** Share of requests that may be bad over the period (rounded: 1 - 0.999 is not 0.001 in floats). */
export const errorBudget = (o: Objective): number => Number((1 - o.target).toPrecision(12));

export interface BurnRateAlert {
  /** Prometheus durations: the long window proves the burn is real, the short one that it is still on. */
  readonly long: string;
  readonly short: string;
  /** Burn rate: how many times faster than "exactly spent at the end of the period". */
  readonly factor: number;
  readonly severity: 'critical' | 'warning';
  /** Alert `for`: keeps a condition that flickers at the threshold from paging. */
  readonly for: string;
}

/** Multi-window, multi-burn-rate alerts (Google SRE workbook, ch. 5): 14.4x over 1h spends 2 % of a
 * 30-day budget, 6x over 6h 5 % (both page); 3x over 1d and 1x over 3d spend 10 % (tickets). */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  { long: '1h', short: '5m', factor: 14.4, severity: 'critical', for: '2m' },
  { long: '6h', short: '30m', factor: 6, severity: 'critical', for: '15m' },
  { long: '1d', short: '2h', factor: 3, severity: 'warning', for: '1h' },
  { long: '3d', short: '6h', factor: 1, severity: 'warning', for: '3h' },
];

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds in a Prometheus duration of one unit ('5m', '1h', '30d'). */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (!match) throw new Error(`not a one-unit Prometheus duration: ${duration}`);
  return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
}

/** Every window an SLI ratio is recorded over, shortest first: the burn-rate windows and the period. */
export const SLI_WINDOWS: readonly string[] = [
  ...new Set([...BURN_RATE_ALERTS.flatMap((a) => [a.short, a.long]), `${SLO_PERIOD_DAYS}d`]),
].sort((a, b) => durationSeconds(a) - durationSeconds(b));
