// The mixed storefront traffic that mixed and soak share: buyers (orders of both sizes, a few
// declined on purpose), browsers (stock lookups) and trackers (order lookups), each an open-model
// arrival rate of its own so one slow kind of request does not throttle the others.
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { drawSize } from './carts.ts';
import { SCALE } from './env.ts';
import { injectAt } from './faults.ts';
import { browse, buy, EXPECTED_SECONDS, track } from './transactions.ts';

export interface WorkloadRates {
  readonly buyPerSecond: number;
  readonly browsePerSecond: number;
  readonly trackPerSecond: number;
  readonly largeShare: number;
  readonly declineShare: number;
}

export interface SetupData {
  readonly orderIds: readonly string[];
}

/** Orders placed before the run so trackers have something to look up from the first second. */
const SEED_ORDERS = 5;

export function workloadScenarios(rates: WorkloadRates, seconds: number): NonNullable<Options['scenarios']> {
  const duration = SCALE.duration(seconds);
  const buy = SCALE.rate(rates.buyPerSecond);
  const browse = SCALE.rate(rates.browsePerSecond);
  const track = SCALE.rate(rates.trackPerSecond);
  return {
    buyers: {
      executor: 'constant-arrival-rate',
      exec: 'buyer',
      rate: buy,
      timeUnit: '1s',
      duration,
      ...SCALE.arrivalVus(buy, EXPECTED_SECONDS.largeOrder),
    },
    browsers: {
      executor: 'constant-arrival-rate',
      exec: 'browser',
      rate: browse,
      timeUnit: '1s',
      duration,
      ...SCALE.arrivalVus(browse, EXPECTED_SECONDS.read),
    },
    trackers: {
      executor: 'constant-arrival-rate',
      exec: 'tracker',
      rate: track,
      timeUnit: '1s',
      duration,
      ...SCALE.arrivalVus(track, EXPECTED_SECONDS.read),
    },
  };
}

export function setupWorkload(): SetupData {
  const orderIds: string[] = [];
  for (let i = 0; i < SEED_ORDERS; i++) {
    const id = buy({ size: 'small' });
    if (id !== undefined) orderIds.push(id);
  }
  if (orderIds.length === 0) exec.test.abort('setup could not place a single order: is the stack up?');
  return { orderIds };
}

/** The buyers' iteration: the size and decline mix of `rates`. */
export function buyerFor(rates: WorkloadRates): () => void {
  return () => {
    buy({
      size: drawSize(rates.largeShare),
      decline: injectAt(exec.scenario.iterationInTest, rates.declineShare),
    });
  };
}

export function browser(): void {
  browse();
}

export function tracker(data: SetupData): void {
  const id = data.orderIds[Math.floor(Math.random() * data.orderIds.length)];
  if (id !== undefined) track(id);
}
