// PromQL building blocks over the catalog's metrics, shared by the alert rules and the dashboard so
// that "error ratio", "share of slow requests" and "p95" mean one thing everywhere. Selectors are
// plain matcher lists (`namespace="petstore",service=~"$service"`), so dashboards can pass variables.
import { METRICS, NAMESPACE, SERVICE_NAMES, type ServiceName } from '../catalog/index.ts';

const HTTP = METRICS.httpServerDuration.name;
/** Series of the inbound request histogram. */
export const HTTP_REQUESTS = `${HTTP}_count`;
export const HTTP_BUCKETS = `${HTTP}_bucket`;
/** Answers that count against availability: every 5xx. */
export const SERVER_ERROR = 'status_code=~"5.."';
/** Labels an SLI is kept per (the ServiceMonitor's target labels, same locally). */
export const BY_SERVICE = ['namespace', 'service'] as const;

/** Joins matchers into a selector body; empty parts are dropped. */
export function sel(...matchers: (string | undefined)[]): string {
  return matchers.filter((m) => m).join(',');
}

/** Matcher for one service or a set of them, in the bundle's namespace. */
export function servicesSel(services: readonly ServiceName[] = SERVICE_NAMES): string {
  const service = services.length === 1 ? `service="${services[0]}"` : `service=~"${services.join('|')}"`;
  return sel(`namespace="${NAMESPACE}"`, service);
}

/** A bucket bound as Prometheus 3 stores it: scraping normalizes `le="1"` to `le="1.0"`. */
export function le(seconds: number): string {
  return Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds);
}

export function sumRate(series: string, selector: string, window: string, by: readonly string[]): string {
  return `sum by (${by.join(', ')}) (rate(${series}{${selector}}[${window}]))`;
}

/** Share of a counter's increase that matches `part` (a matcher). Zero, not "no data", while the
 * counter grows without any such part. */
export function shareOf(
  series: string,
  selector: string,
  part: string,
  window: string,
  by: readonly string[],
): string {
  const all = sumRate(series, selector, window, by);
  return `(${sumRate(series, sel(selector, part), window, by)} or 0 * ${all}) / ${all}`;
}

/** Share of requests answered 5xx. */
export function errorRatio(selector: string, window: string, by: readonly string[] = BY_SERVICE): string {
  return shareOf(HTTP_REQUESTS, selector, SERVER_ERROR, window, by);
}

/** Share of requests slower than `thresholdMs` (a bucket bound: catalog.test.ts checks). */
export function slowRatio(
  selector: string,
  thresholdMs: number,
  window: string,
  by: readonly string[] = BY_SERVICE,
): string {
  const fast = sumRate(HTTP_BUCKETS, sel(selector, `le="${le(thresholdMs / 1000)}"`), window, by);
  return `1 - ${fast} / ${sumRate(HTTP_REQUESTS, selector, window, by)}`;
}

/** The q-quantile of a histogram (`bucketSeries` ends in _bucket), kept per `by`. */
export function quantile(
  q: number,
  bucketSeries: string,
  selector: string,
  window: string,
  by: readonly string[] = BY_SERVICE,
): string {
  return `histogram_quantile(${q}, ${sumRate(bucketSeries, selector, window, [...by, 'le'])})`;
}

/** Mean of a histogram's observations (`name` without suffix) over the window. */
export function mean(name: string, selector: string, window: string, by: readonly string[]): string {
  return `${sumRate(`${name}_sum`, selector, window, by)} / ${sumRate(`${name}_count`, selector, window, by)}`;
}
