// What a real Prometheus (tools/observe/prometheus.ts, scraping every service every few seconds with
// the ServiceMonitor's target labels) saw of one scenario: per service, inbound requests per second,
// p95 latency and 5xx share from the RED histogram, and the process's CPU and memory. The same
// PromQL runs against the cluster's Prometheus.
import { METRICS } from '../../catalog/index.ts';
import type { RunningPrometheus } from '../observe/prometheus.ts';

export interface ServiceMetrics {
  service: string;
  requests_per_second: number;
  p95_ms: number | null;
  server_error_percent: number;
  cpu_percent: number;
  max_rss_mb: number;
}

export interface ScenarioMetrics {
  window_s: number;
  services: ServiceMetrics[];
  /** Requests per second per service over the scenario, one point per scrape interval. */
  requests_per_second: { service: string; points: [number, number][] }[];
  /** CPU per service (percent of one core) over the scenario. */
  cpu_percent: { service: string; points: [number, number][] }[];
}

const SERVER = METRICS.httpServerDuration.name;

/** The PromQL, by name, over a window of `w` (e.g. "20s"). */
export function queries(w: string): Record<keyof Omit<ServiceMetrics, 'service'>, string> {
  return {
    requests_per_second: `sum by (service) (rate(${SERVER}_count[${w}]))`,
    p95_ms: `1000 * histogram_quantile(0.95, sum by (service, le) (rate(${SERVER}_bucket[${w}])))`,
    server_error_percent: `100 * sum by (service) (rate(${SERVER}_count{status_code=~"5.."}[${w}])) / sum by (service) (rate(${SERVER}_count[${w}]))`,
    cpu_percent: `100 * sum by (service) (rate(process_cpu_seconds_total[${w}]))`,
    max_rss_mb: `max by (service) (max_over_time(process_resident_memory_bytes[${w}])) / 1048576`,
  };
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** Scenario window [startMs, endMs]; queried once the last scrape after it is in. */
export async function scenarioMetrics(
  prom: RunningPrometheus,
  startMs: number,
  endMs: number,
  scrapeSeconds: number,
): Promise<ScenarioMetrics> {
  const windowS = Math.max(2 * scrapeSeconds, Math.round((endMs - startMs) / 1000));
  const at = endMs / 1000;
  // Range points: a rate over a little more than two scrapes, so each point has two samples.
  const smooth = `${2 * scrapeSeconds + 1}s`;
  const q = queries(`${windowS}s`);
  const byService = new Map<string, ServiceMetrics>();
  const row = (service: string): ServiceMetrics => {
    const r = byService.get(service) ?? {
      service,
      requests_per_second: 0,
      p95_ms: null,
      server_error_percent: 0,
      cpu_percent: 0,
      max_rss_mb: 0,
    };
    byService.set(service, r);
    return r;
  };
  for (const [key, expr] of Object.entries(q) as [keyof typeof q, string][]) {
    for (const s of await prom.query(expr, at)) {
      const service = s.labels['service'];
      if (service === undefined || !Number.isFinite(s.value)) continue;
      row(service)[key] = round(s.value);
    }
  }
  const range = async (expr: string) =>
    (await prom.queryRange(expr, startMs / 1000, at, scrapeSeconds)).map((s) => ({
      service: s.labels['service'] ?? 'unknown',
      points: s.values.map(([t, v]) => [round(t - startMs / 1000), round(v)] as [number, number]),
    }));
  return {
    window_s: windowS,
    services: [...byService.values()].sort((a, b) => a.service.localeCompare(b.service)),
    requests_per_second: await range(`sum by (service) (rate(${SERVER}_count[${smooth}]))`),
    cpu_percent: await range(`100 * sum by (service) (rate(process_cpu_seconds_total[${smooth}]))`),
  };
}
