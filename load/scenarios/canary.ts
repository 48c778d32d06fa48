// Canary: storefront traffic (browse, pet details, recommendations) that records which version served
// each request from the `X-Service-Version` header, and reports the observed split with request
// count, error rate and latency per version (custom metrics tagged `version`, findings in the
// summary). Each deployed version is gated by the canary analysis limits (catalog/thresholds.ts:
// errors < 5 %, p95 < 1 s). Locally one version answers everything, which the report shows as 100 %.
// In front of a weighted split, CANARY_EXPECTED_WEIGHT (percent) gates the canary's observed share
// within CANARY_WEIGHT_TOLERANCE points (default 5). As the load of a promotion (make promote, make
// canary-demo) CANARY_RPS and CANARY_DURATION (seconds) set its rate and length; the split then
// moves, so it is not gated. Only storefront routes: in the cluster the gateway sends /orders to the
// order service, which would not be the storefront's canary.
import { SERVICES } from '../../catalog/services.ts';
import { canaryConfig, canaryThresholds, recordServed, splitFindings } from '../lib/canary.ts';
import { checkRead } from '../lib/checks.ts';
import { correlationId } from '../lib/correlation.ts';
import { SCALE } from '../lib/env.ts';
import { baseOptions } from '../lib/options.ts';
import { NO_SERVER_ERRORS, sloThresholds } from '../lib/slo.ts';
import { browsePets, getPet, getRecommendations } from '../lib/storefront.ts';
import type { Response } from '../lib/response.ts';
import { stat, summaryFor } from '../lib/summary.ts';
import { PETS } from '../../catalog/products.ts';

const CONFIG = canaryConfig(__ENV);
/** 20/s: the rate the canary judge's simulation is measured at (docs/canary.md). */
const rate = CONFIG.rate ?? SCALE.rate(20);
/** Storefront reads answer in tens of milliseconds; recommendations wait for the advisor (<= 0.7 s). */
const EXPECTED_SECONDS = 0.3;
const CATEGORIES = ['dog', 'cat', 'small_animal', 'reptile', 'bird', 'fish'] as const;
const PROFILES = ['family-pet-seeker', 'first-time-owner', 'exotic-enthusiast', 'busy-professional'] as const;

export const options = baseOptions(
  {
    canary: {
      executor: 'constant-arrival-rate',
      exec: 'visit',
      rate,
      timeUnit: '1s',
      duration: CONFIG.durationSeconds === undefined ? SCALE.duration(180) : `${CONFIG.durationSeconds}s`,
      ...SCALE.arrivalVus(rate, EXPECTED_SECONDS),
    },
  },
  { ...sloThresholds(['petstore']), ...NO_SERVER_ERRORS, ...canaryThresholds(CONFIG) },
);

function anyOf<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
}

/** One storefront visit: 40 % browse, 40 % pet details, 20 % recommendations. */
export function visit(): void {
  const id = correlationId();
  const call = { correlationId: id };
  const draw = Math.random();
  let res: Response;
  if (draw < 0.4) res = browsePets({ category: anyOf(CATEGORIES), page_size: 5 }, call);
  else if (draw < 0.8) res = getPet(anyOf(PETS).id, call);
  else res = getRecommendations(`${anyOf(PROFILES)}-${1 + Math.floor(Math.random() * 200)}`, 3, call);
  const ok = checkRead(res, id);
  recordServed(res, ok, CONFIG);
}

export const handleSummary = summaryFor('canary', (data) => ({
  ...splitFindings(data, CONFIG),
  petstoreP95Ms: stat(data, `http_req_duration{target:${SERVICES.petstore.name}}`, 'p(95)'),
}));
