// Which version served each request (the `X-Service-Version` header every service sets), and what a
// canary run expects of the split. k6 reports a tagged submetric only when a threshold names its tag
// value, and those are fixed before the first request; so two records are kept per answer:
// - metrics tagged `version` (canary_requests, canary_errors, canary_latency; streamed outputs see
//   every version), with per-version thresholds for the versions the bundle deploys;
// - a check named after the version that answered, which the summary lists for ANY version, so the
//   observed split, counts and error rates never depend on knowing the versions in advance.
import { check } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { PROFILES } from '../../charts-src/config/profiles.ts';
import { CANARY_MAX_ERROR_PERCENT, CANARY_MAX_P95_MS } from '../../catalog/thresholds.ts';
import { header } from './checks.ts';
import { shown, type Thresholds } from './slo.ts';
import type { Response } from './response.ts';
import { allChecks, stat, type SummaryData } from './summary.ts';

export const VERSION_TAG = 'version';
export const UNKNOWN_VERSION = 'unknown';
const SERVED_BY = 'served by version ';

export const canaryRequests = new Counter('canary_requests');
/** Per answer: true when it was not the intended 200. */
export const canaryErrors = new Rate('canary_errors');
export const canaryLatency = new Trend('canary_latency', true);
/** Per answer: true when the canary version served it (the observed canary weight). */
export const canaryServed = new Rate('canary_served');

export interface CanaryConfig {
  readonly stableVersion: string;
  readonly canaryVersion: string;
  /** Percent of requests the canary should serve; undefined = no gate on the split. */
  readonly expectedWeight: number | undefined;
  /** Allowed distance (percentage points) between observed and expected canary share. */
  readonly tolerance: number;
  /** Requests/s and run time when set (the load of a promotion); else the scenario's, scaled. */
  readonly rate: number | undefined;
  readonly durationSeconds: number | undefined;
}

/** Defaults: the petstore versions the kind profile deploys (charts-src/config/profiles.ts). */
const KIND = PROFILES.kind;
export const DEFAULT_STABLE_VERSION = KIND.stableVersion;
export const DEFAULT_CANARY_VERSION = KIND.canaries.petstore?.version ?? KIND.stableVersion;
export const DEFAULT_WEIGHT_TOLERANCE = 5;

function percentIn(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new Error(`${name} must be a number of percent in [${min}, ${max}], got "${raw}"`);
  }
  return n;
}

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new Error(`${name} must be a number > 0, got "${raw}"`);
  return n;
}

export function canaryConfig(env: Readonly<Record<string, string | undefined>>): CanaryConfig {
  const set = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const weight = set('CANARY_EXPECTED_WEIGHT');
  const tolerance = set('CANARY_WEIGHT_TOLERANCE');
  return {
    rate: positive('CANARY_RPS', set('CANARY_RPS')),
    durationSeconds: positive('CANARY_DURATION', set('CANARY_DURATION')),
    stableVersion: set('STABLE_VERSION') ?? DEFAULT_STABLE_VERSION,
    canaryVersion: set('CANARY_VERSION') ?? DEFAULT_CANARY_VERSION,
    expectedWeight: weight === undefined ? undefined : percentIn('CANARY_EXPECTED_WEIGHT', weight, 0, 100),
    tolerance:
      tolerance === undefined
        ? DEFAULT_WEIGHT_TOLERANCE
        : percentIn('CANARY_WEIGHT_TOLERANCE', tolerance, 0, 100),
  };
}

/** The serving version as a tag value: bounded and printable, whatever a response carries. */
export function versionOf(res: Response): string {
  const raw = (header(res, 'X-Service-Version') ?? '').trim();
  if (raw === '') return UNKNOWN_VERSION;
  return raw.replace(/[^\w.+-]/g, '_').slice(0, 64);
}

/** Records who served `res` and whether it answered as intended (`ok`). */
export function recordServed(res: Response, ok: boolean, config: CanaryConfig): string {
  const version = versionOf(res);
  const tags = { [VERSION_TAG]: version };
  canaryRequests.add(1, tags);
  canaryErrors.add(!ok, tags);
  canaryLatency.add(res.timings.duration, tags);
  canaryServed.add(version === config.canaryVersion);
  check(res, { [`${SERVED_BY}${version}`]: () => ok });
  return version;
}

const requestsOf = (v: string) => `canary_requests{${VERSION_TAG}:${v}}`;
const errorsOf = (v: string) => `canary_errors{${VERSION_TAG}:${v}}`;
const latencyOf = (v: string) => `canary_latency{${VERSION_TAG}:${v}}`;

/** The canary analysis gates for each deployed version, and the split gate when a weight is expected. */
export function canaryThresholds(config: CanaryConfig): Thresholds {
  const thresholds: Thresholds = {};
  for (const v of new Set([config.stableVersion, config.canaryVersion])) {
    thresholds[requestsOf(v)] = shown('counter');
    thresholds[errorsOf(v)] = [`rate<${CANARY_MAX_ERROR_PERCENT / 100}`];
    thresholds[latencyOf(v)] = [`p(95)<${CANARY_MAX_P95_MS}`];
  }
  if (config.expectedWeight !== undefined) {
    const low = Math.max(0, config.expectedWeight - config.tolerance) / 100;
    const high = Math.min(100, config.expectedWeight + config.tolerance) / 100;
    thresholds['canary_served'] = [`rate>=${low}`, `rate<=${high}`];
  }
  return thresholds;
}

export interface VersionFindings {
  readonly version: string;
  readonly requests: number;
  readonly sharePercent: number;
  readonly errorRatePercent: number;
  /** Only for the versions with thresholds (stable, canary): k6 breaks out no others. */
  readonly p50Ms?: number;
  readonly p95Ms?: number;
}

/** Every version that answered, from the per-version checks, with latency where k6 recorded it. */
export function observedVersions(data: SummaryData): VersionFindings[] {
  const served = allChecks(data.root_group).filter((c) => c.name.startsWith(SERVED_BY));
  const total = served.reduce((n, c) => n + c.passes + c.fails, 0);
  return served
    .map((c) => {
      const version = c.name.slice(SERVED_BY.length);
      const requests = c.passes + c.fails;
      const recorded = (stat(data, latencyOf(version), 'count') ?? 0) > 0;
      return {
        version,
        requests,
        sharePercent: total === 0 ? 0 : (requests / total) * 100,
        errorRatePercent: requests === 0 ? 0 : (c.fails / requests) * 100,
        ...(recorded
          ? { p50Ms: stat(data, latencyOf(version), 'med'), p95Ms: stat(data, latencyOf(version), 'p(95)') }
          : {}),
      };
    })
    .sort((a, b) => b.requests - a.requests);
}

export function splitFindings(data: SummaryData, config: CanaryConfig) {
  const versions = observedVersions(data);
  const canary = versions.find((v) => v.version === config.canaryVersion);
  return {
    observedSplit: Object.fromEntries(versions.map((v) => [v.version, v.sharePercent])),
    versions,
    stableVersion: config.stableVersion,
    canaryVersion: config.canaryVersion,
    observedCanaryPercent: canary?.sharePercent ?? 0,
    ...(config.expectedWeight === undefined
      ? { expectedCanaryPercent: 'not set (CANARY_EXPECTED_WEIGHT): the split is reported, not gated' }
      : { expectedCanaryPercent: config.expectedWeight, tolerancePoints: config.tolerance }),
  };
}
