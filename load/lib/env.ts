// Everything a script reads from its environment, in one place. Locally nothing needs to be set (the
// catalog's local ports); the cluster Job sets the *_URL variables to the in-cluster Services.
import { SERVICES, type ServiceName } from '../../catalog/services.ts';
import { parseMaxVus, parseScale, scaler, type Scaler } from './scale.ts';

const URL_VARIABLES: Readonly<Record<ServiceName, string>> = {
  petstore: 'PETSTORE_URL',
  order: 'ORDER_URL',
  payment: 'PAYMENT_URL',
  inventory: 'INVENTORY_URL',
  'ml-advisor': 'ML_ADVISOR_URL',
};

function env(name: string): string | undefined {
  const value = __ENV[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Base URL of a service, without a trailing slash. */
export function baseUrl(service: ServiceName): string {
  const configured = env(URL_VARIABLES[service]);
  const url = configured ?? `http://127.0.0.1:${SERVICES[service].localPort}`;
  return url.replace(/\/+$/, '');
}

/**
 * LOAD_SCALE (default 1) multiplies every duration and rate (0.01 is the smoke run); LOAD_RATE_SCALE
 * (default: LOAD_SCALE) multiplies the rates instead, when set; LOAD_MAX_VUS (default 600) caps the
 * VUs of each scenario.
 */
const durationScale = parseScale(env('LOAD_SCALE'));
const rateScale =
  env('LOAD_RATE_SCALE') === undefined
    ? durationScale
    : parseScale(env('LOAD_RATE_SCALE'), 'LOAD_RATE_SCALE');
export const SCALE: Scaler = scaler(durationScale, parseMaxVus(env('LOAD_MAX_VUS')), rateScale);

/** Where handleSummary writes <scenario>-summary.json (relative to k6's working directory). */
export const REPORT_DIR = (env('REPORT_DIR') ?? 'reports').replace(/\/+$/, '');

/** Per-request HTTP timeout: above the longest catalog call budget (petstore -> order, 8 s). */
export const HTTP_TIMEOUT = env('HTTP_TIMEOUT') ?? '10s';
