// Journey: the petstore customer journey end to end through the storefront (docs/journey.md):
// health, recommendations, browse, details, checkout, payment, delivery, tracking, ONE correlation
// ID per journey on every step. Most journeys buy (a recommended pet in stock plus a supply); a few
// are the error-recovery flavour: checkout with `X-Fault: payment.decline` must end cleanly (402,
// payment "declined", delivery refused with 409, tracking "failed"). Latency and failures per step
// (tag `step`) and per flavour (tag `journey`) in the summary. The storefront's own steps are gated
// at its p95 objective; checkout runs the order saga, so it is gated at the order service's.
// The declines need FAULT_HEADERS_ENABLED=true on the services (JOURNEY_DECLINED_PER_MINUTE=0 skips them).
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { SERVICES } from '../../catalog/services.ts';
import { SCALE } from '../lib/env.ts';
import { correlationId } from '../lib/correlation.ts';
import { JOURNEY_TAG, parseProfiles, walkJourney, type CustomerProfile } from '../lib/journey.ts';
import { baseOptions } from '../lib/options.ts';
import { NO_SERVER_ERRORS, shown, sloThresholds, type Thresholds } from '../lib/slo.ts';
import { jsonBody } from '../lib/store.ts';
import { getProfiles, STEP_TAG, STEPS } from '../lib/storefront.ts';
import { stat, summaryFor, type SummaryData } from '../lib/summary.ts';

/** Journeys that buy, per second; each is ~9 requests and one order (often with the fraud check). */
const PURCHASES_PER_SECOND = 3;
/** Error-recovery journeys per minute (12/min = 1 in 16 journeys); a smoke run still gets one. */
const DECLINED_PER_MINUTE = parseDeclined(__ENV['JOURNEY_DECLINED_PER_MINUTE']);
const SECONDS = 120;
/** Typical journey wall time on the local stack (checkout dominates), for sizing VU pools. */
const EXPECTED_JOURNEY_SECONDS = 4;

function parseDeclined(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 12;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`JOURNEY_DECLINED_PER_MINUTE must be an integer >= 0, got "${raw}"`);
  return n;
}

const purchases = SCALE.rate(PURCHASES_PER_SECOND);
const declines = SCALE.rate(DECLINED_PER_MINUTE);
const scenarios: NonNullable<Options['scenarios']> = {
  purchases: {
    executor: 'constant-arrival-rate',
    exec: 'purchase',
    rate: purchases,
    timeUnit: '1s',
    duration: SCALE.duration(SECONDS),
    ...SCALE.arrivalVus(purchases, EXPECTED_JOURNEY_SECONDS),
  },
};
if (DECLINED_PER_MINUTE > 0) {
  // An arrival-rate executor starts its first iteration at once: even a 1 s smoke run declines one.
  scenarios['declined_checkouts'] = {
    executor: 'constant-arrival-rate',
    exec: 'declinedCheckout',
    rate: declines,
    timeUnit: '1m',
    duration: SCALE.duration(SECONDS),
    ...SCALE.arrivalVus(declines / 60, EXPECTED_JOURNEY_SECONDS),
  };
}

const stepLatency = (step: string) => `http_req_duration{${STEP_TAG}:${step}}`;
const stepFailed = (step: string) => `http_req_failed{${STEP_TAG}:${step}}`;
const stepRequests = (step: string) => `http_reqs{${STEP_TAG}:${step}}`;
const FLAVOURS = DECLINED_PER_MINUTE > 0 ? ['purchase', 'declined'] : ['purchase'];

function journeyThresholds(): Thresholds {
  const petstore = SERVICES.petstore.slo;
  const thresholds: Thresholds = { ...sloThresholds(['petstore']), ...NO_SERVER_ERRORS };
  // Per step instead of over all storefront requests: checkout (the order saga, fraud check for
  // pets over the threshold) has the order service's objective, every other step the storefront's.
  delete thresholds['http_req_duration{target:petstore}'];
  for (const step of STEPS) {
    const p95 = step === 'create_order' ? SERVICES.order.slo.p95Ms : petstore.p95Ms;
    thresholds[stepLatency(step)] = [`p(95)<${p95}`];
    thresholds[stepFailed(step)] = shown('rate');
    thresholds[stepRequests(step)] = shown('counter');
  }
  thresholds['journeys_completed'] = [`rate>${1 - petstore.errorRatePercent / 100}`];
  for (const flavour of FLAVOURS) {
    thresholds[`journeys_completed{${JOURNEY_TAG}:${flavour}}`] = shown('rate');
    thresholds[`journey_duration{${JOURNEY_TAG}:${flavour}}`] = shown('trend');
  }
  return thresholds;
}

export const options = baseOptions(scenarios, journeyThresholds());

interface SetupData {
  readonly profiles: readonly CustomerProfile[];
}

export function setup(): SetupData {
  const cid = correlationId();
  const res = getProfiles({ correlationId: cid });
  try {
    return { profiles: parseProfiles(jsonBody(res)) };
  } catch (err) {
    exec.test.abort(`cannot read customer profiles (GET /profiles answered ${res.status}): ${String(err)}`);
    throw err;
  }
}

function profileOf(data: SetupData): CustomerProfile {
  const profile = data.profiles[Math.floor(Math.random() * data.profiles.length)];
  if (!profile) throw new Error('no customer profiles');
  return profile;
}

export function purchase(data: SetupData): void {
  walkJourney(profileOf(data), 'purchase');
}

export function declinedCheckout(data: SetupData): void {
  walkJourney(profileOf(data), 'declined');
}

const percent = (rate: number | undefined) => (rate === undefined ? undefined : rate * 100);

function stepFindings(data: SummaryData) {
  return STEPS.map((step) => ({
    step,
    requests: stat(data, stepRequests(step), 'count') ?? 0,
    p50Ms: stat(data, stepLatency(step), 'med'),
    p95Ms: stat(data, stepLatency(step), 'p(95)'),
    failedPercent: percent(stat(data, stepFailed(step), 'rate')),
  }));
}

function flavourFindings(data: SummaryData) {
  return FLAVOURS.map((flavour) => {
    const completed = `journeys_completed{${JOURNEY_TAG}:${flavour}}`;
    const duration = `journey_duration{${JOURNEY_TAG}:${flavour}}`;
    return {
      journey: flavour,
      journeys: stat(data, duration, 'count') ?? 0,
      completedPercent: percent(stat(data, completed, 'rate')),
      p50Ms: stat(data, duration, 'med'),
      p95Ms: stat(data, duration, 'p(95)'),
    };
  });
}

export const handleSummary = summaryFor('journey', (data) => ({
  journeys: flavourFindings(data),
  steps: stepFindings(data),
}));
