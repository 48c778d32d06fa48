// The transaction-analytics plugin of every service (GET /analytics/report, POST /analytics/reset):
// reset before each scenario, so what each service reports afterwards is that scenario's alone.
import type { AnalyticsReport, Status } from '../../services/kit/plugins/transaction-analytics.ts';

export type { AnalyticsReport };

/** What one service's plugin found, as the demo report keeps it. */
export interface ServiceFindings {
  service: string;
  total_operations: number;
  error_rate_percent: number;
  bottlenecks: AnalyticsReport['bottleneck_analysis']['critical_services'];
  common_errors: AnalyticsReport['error_analysis']['common_errors'];
  recommendations: string[];
  operations: Record<
    string,
    { count: number; avg_ms: number; p95_ms: number; error_rate_percent: number; status: Status }
  >;
}

const TIMEOUT_MS = 5000;

export async function resetAnalytics(urls: Readonly<Record<string, string>>): Promise<void> {
  await Promise.all(
    Object.entries(urls).map(async ([service, url]) => {
      const res = await fetch(`${url}/analytics/reset`, {
        method: 'POST',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`${service}: POST /analytics/reset answered ${res.status}`);
    }),
  );
}

export async function collectAnalytics(urls: Readonly<Record<string, string>>): Promise<ServiceFindings[]> {
  const reports = await Promise.all(
    Object.entries(urls).map(async ([service, url]) => {
      const res = await fetch(`${url}/analytics/report`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!res.ok) throw new Error(`${service}: GET /analytics/report answered ${res.status}`);
      return findingsOf(service, (await res.json()) as AnalyticsReport);
    }),
  );
  return reports.filter((r) => r.total_operations > 0);
}

export function findingsOf(service: string, r: AnalyticsReport): ServiceFindings {
  return {
    service,
    total_operations: r.summary.total_operations,
    error_rate_percent: r.summary.error_rate_percent,
    bottlenecks: r.bottleneck_analysis.critical_services,
    common_errors: r.error_analysis.common_errors,
    recommendations: r.recommendations,
    operations: Object.fromEntries(
      Object.entries(r.service_performance).map(([op, p]) => [
        op,
        {
          count: p.count,
          avg_ms: p.avg_ms,
          p95_ms: p.p95_ms,
          error_rate_percent: p.error_rate_percent,
          status: p.status,
        },
      ]),
    ),
  };
}
