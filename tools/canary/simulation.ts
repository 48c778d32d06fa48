// A seeded simulation of a promotion: requests arrive as a Poisson process at a fixed rate, each is
// routed to the canary with the current weight, fails with its version's error rate and takes a
// log-normal time, recorded in the services' latency buckets. Time is simulated, so a 20-minute
// promotion runs in milliseconds through the real promotion loop and judge (tools/canary/promotion.ts).
import { METRICS } from '../../catalog/metrics.ts';
import type { VersionCounters } from './counters.ts';
import type { Plan } from './plan.ts';
import { runPromotion, type Clock, type PromotionResult, type Verdict } from './promotion.ts';

export interface VersionModel {
  /** Share of requests answered with a 5xx. */
  readonly errorRate: number;
  readonly medianMs: number;
  /** Log-normal shape: p95 = median * e^(1.645 sigma). */
  readonly sigma: number;
}

export interface Scenario {
  readonly rps: number;
  readonly stable: VersionModel;
  readonly canary: VersionModel;
  /** Canary weight before the promotion starts (what `make deploy` leaves). */
  readonly startWeight: number;
}

const TYPICAL: VersionModel = { errorRate: 0.001, medianMs: 40, sigma: 0.6 };
/** The cases at 20 requests/s: a bad canary (5 % errors vs 0.1 %), a healthy one, a slow one. */
export const SCENARIOS = {
  bad: { rps: 20, stable: TYPICAL, canary: { ...TYPICAL, errorRate: 0.05 }, startWeight: 10 },
  healthy: { rps: 20, stable: TYPICAL, canary: TYPICAL, startWeight: 10 },
  slow: { rps: 20, stable: TYPICAL, canary: { ...TYPICAL, medianMs: 160 }, startWeight: 10 },
} as const satisfies Record<string, Scenario>;

/** mulberry32: small, fast, good enough for simulation, and reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BOUNDS: readonly number[] = METRICS.httpServerDuration.buckets ?? [];

interface Tally {
  requests: number;
  errors: number;
  buckets: number[];
}

/** Backends over simulated time: weights, cumulative counters (one target per version), a clock. */
export function simulatedPromotion(scenario: Scenario, seed: number) {
  const random = seededRandom(seed);
  const tallies = { stable: newTally(), canary: newTally() };
  let now = 0;
  let generatedUntil = 0;
  let weight = scenario.startWeight;

  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const serve = (tally: Tally, model: VersionModel): void => {
    tally.requests++;
    if (random() < model.errorRate) tally.errors++;
    const seconds = (model.medianMs / 1000) * Math.exp(model.sigma * normal());
    for (const [i, bound] of BOUNDS.entries())
      if (seconds <= bound) tally.buckets[i] = (tally.buckets[i] ?? 0) + 1;
  };
  /** Poisson arrivals up to `now`, at the weight in force. */
  const generate = (): void => {
    let t = generatedUntil;
    for (;;) {
      t += -Math.log(1 - random()) / scenario.rps;
      if (t * 1000 > now) break;
      if (random() * 100 < weight) serve(tallies.canary, scenario.canary);
      else serve(tallies.stable, scenario.stable);
    }
    generatedUntil = now / 1000;
  };
  const counters = (t: Tally): VersionCounters | undefined =>
    t.requests === 0
      ? undefined
      : {
          bounds: BOUNDS,
          targets: new Map([
            [
              'sim',
              { requests: t.requests, errors: t.errors, buckets: [...t.buckets], observed: t.requests },
            ],
          ]),
        };
  const clock: Clock = {
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  };
  return {
    clock,
    weights: {
      read: () => Promise.resolve(weight),
      write: (w: number) => {
        generate();
        weight = w;
        return Promise.resolve();
      },
    },
    metrics: {
      snapshot: () => {
        generate();
        return Promise.resolve({
          app: { stable: counters(tallies.stable), canary: counters(tallies.canary) },
        });
      },
    },
  };
}

function newTally(): Tally {
  return { requests: 0, errors: 0, buckets: BOUNDS.map(() => 0) };
}

export interface TrialFigures {
  readonly trials: number;
  readonly verdicts: Readonly<Record<Verdict, number>>;
  /** Rollbacks by the number of intervals the promotion had run when it rolled back. */
  readonly rollbackAfterIntervals: Readonly<Record<number, number>>;
  readonly triggers: Readonly<Record<string, number>>;
}

/** Runs `trials` seeded promotions (seeds 1..trials) of one scenario through the real loop. */
export async function runTrials(scenario: Scenario, plan: Plan, trials: number): Promise<TrialFigures> {
  const verdicts: Record<Verdict, number> = { promoted: 0, rolled_back: 0, halted: 0 };
  const rollbackAfterIntervals: Record<number, number> = {};
  const triggers: Record<string, number> = {};
  for (let seed = 1; seed <= trials; seed++) {
    const result: PromotionResult = await runPromotion(plan, simulatedPromotion(scenario, seed));
    verdicts[result.verdict]++;
    if (result.trigger) triggers[result.trigger] = (triggers[result.trigger] ?? 0) + 1;
    if (result.verdict === 'rolled_back') {
      rollbackAfterIntervals[result.intervals] = (rollbackAfterIntervals[result.intervals] ?? 0) + 1;
    }
  }
  return { trials, verdicts, rollbackAfterIntervals, triggers };
}

/** How many of the trials rolled back within `intervals` intervals. */
export function rolledBackWithin(figures: TrialFigures, intervals: number): number {
  return Object.entries(figures.rollbackAfterIntervals)
    .filter(([n]) => Number(n) <= intervals)
    .reduce((sum, [, count]) => sum + count, 0);
}
