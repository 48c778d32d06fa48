// The report's charts: ECharts options built from the report, rendered to SVG strings in Node
// (server-side rendering, no DOM, no animation), so the HTML page needs no script to show them.
import * as echarts from 'echarts';
import { SERVICE_NAMES } from '../../../catalog/index.ts';
import type { DemoReport } from '../report-schema.ts';

export interface Chart {
  readonly id: string;
  readonly title: string;
  /** What the reader should take from it, shown under the title. */
  readonly caption: string;
  readonly svg: string;
  /** Data points drawn (the HTML test checks every chart has some). */
  readonly points: number;
}

const WIDTH = 880;
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#9c755f'];
const SEVERITY = { healthy: '#59a14f', warning: '#f28e2b', critical: '#e15759' } as const;
const FONT = { fontFamily: 'DejaVu Sans, Arial, sans-serif' };

export function serviceColor(service: string): string {
  const i = (SERVICE_NAMES as readonly string[]).indexOf(service);
  return PALETTE[(i < 0 ? SERVICE_NAMES.length : i) % PALETTE.length]!;
}

function render(option: echarts.EChartsCoreOption, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  chart.setOption({ animation: false, textStyle: FONT, color: PALETTE, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

const GRID = { left: 70, right: 30, top: 50, bottom: 50, containLabel: true };
const scenarioNames = (r: DemoReport) => r.scenarios.map((s) => s.name.replace(/ Test$/, ''));

export function latencyChart(r: DemoReport): Chart {
  const stats = [
    ['p50', 'p50_response_time_ms'],
    ['p95', 'p95_response_time_ms'],
    ['p99', 'p99_response_time_ms'],
    ['max', 'max_response_time_ms'],
  ] as const;
  const series = stats.map(([name, key]) => ({
    name,
    type: 'bar',
    data: r.scenarios.map((s) => Math.round(s[key])),
    label: { show: name === 'p95', position: 'top', fontSize: 10 },
  }));
  return {
    id: 'latency',
    title: 'Latency percentiles per scenario',
    caption: 'Response time of every request k6 made (ms): median, p95, p99 and the slowest.',
    svg: render(
      {
        legend: { top: 10 },
        grid: GRID,
        xAxis: { type: 'category', data: scenarioNames(r), axisLabel: { interval: 0 } },
        yAxis: { type: 'value', name: 'ms' },
        series,
      },
      360,
    ),
    points: series.reduce((n, s) => n + s.data.length, 0),
  };
}

export function throughputChart(r: DemoReport): Chart {
  const series = r.scenarios.map((s) => ({
    name: s.name.replace(/ Test$/, ''),
    type: 'line',
    showSymbol: false,
    data: s.timeline.map((p) => [p.t_s, p.requests]),
  }));
  const bars = r.scenarios.map((s) => s.throughput_rps);
  return {
    id: 'throughput',
    title: 'Throughput per scenario',
    caption:
      'Requests per second over each run (lines, seconds since the scenario started) and the average (bars).',
    svg: render(
      {
        legend: { top: 8, left: 40, data: series.map((x) => x.name) },
        grid: [
          { left: 60, right: 360, top: 70, bottom: 40 },
          { left: 580, right: 20, top: 70, bottom: 60 },
        ],
        xAxis: [
          { type: 'value', name: 's', gridIndex: 0 },
          {
            type: 'category',
            data: scenarioNames(r),
            gridIndex: 1,
            axisLabel: { interval: 0, rotate: 30, fontSize: 10 },
          },
        ],
        yAxis: [
          { type: 'value', name: 'req/s', gridIndex: 0 },
          { type: 'value', name: 'avg req/s', gridIndex: 1 },
        ],
        series: [
          ...series,
          {
            name: 'average',
            type: 'bar',
            xAxisIndex: 1,
            yAxisIndex: 1,
            data: bars.map((v, i) => ({ value: v, itemStyle: { color: PALETTE[i % PALETTE.length] } })),
            label: { show: true, position: 'top', fontSize: 10 },
          },
        ],
      },
      340,
    ),
    points: series.reduce((n, s) => n + s.data.length, 0) + bars.length,
  };
}

/** Per service and scenario: the share of the transactions it took part in where one of its steps failed. */
export function errorRateChart(r: DemoReport): Chart {
  const services = SERVICE_NAMES.filter((n) =>
    r.scenarios.some((s) => s.service_times.some((t) => t.service === n)),
  );
  const series = services.map((service) => ({
    name: service,
    type: 'bar',
    itemStyle: { color: serviceColor(service) },
    data: r.scenarios.map((s) => s.service_times.find((t) => t.service === service)?.error_rate_percent ?? 0),
  }));
  const threshold = r.demo.thresholds.error_rate_percent;
  if (series[0])
    Object.assign(series[0], {
      markLine: {
        symbol: 'none',
        data: [{ yAxis: threshold, name: 'threshold' }],
        lineStyle: { color: SEVERITY.critical, type: 'dashed' },
        label: { formatter: `${threshold} %`, position: 'end' },
      },
    });
  return {
    id: 'errors',
    title: 'Error rate per service',
    caption: `Share of the transactions a service took part in where one of its own steps failed (audit trail), against the ${threshold} % error threshold.`,
    svg: render(
      {
        legend: { top: 10 },
        grid: GRID,
        xAxis: { type: 'category', data: scenarioNames(r), axisLabel: { interval: 0 } },
        yAxis: { type: 'value', name: '% of transactions' },
        series,
      },
      340,
    ),
    points: series.reduce((n, s) => n + s.data.length, 0),
  };
}

/** Own time per service and scenario as horizontal bars against the warning and critical lines. */
export function bottleneckChart(r: DemoReport): Chart {
  const rows = r.scenarios.flatMap((s) =>
    s.service_times.map((t) => ({ label: `${s.name.replace(/ Test$/, '')} · ${t.service}`, t })),
  );
  rows.reverse();
  const { latency_ms: warn, critical_latency_ms: crit } = r.demo.thresholds;
  return {
    id: 'bottlenecks',
    title: 'Bottlenecks: own time per service against the threshold',
    caption: `Exclusive time per transaction (waiting on a called service excluded). Above ${warn} ms a service is a bottleneck, above ${crit} ms critical.`,
    svg: render(
      {
        grid: { left: 20, right: 60, top: 30, bottom: 30, containLabel: true },
        xAxis: { type: 'value', name: 'ms' },
        yAxis: { type: 'category', data: rows.map((x) => x.label), axisLabel: { fontSize: 10 } },
        series: [
          {
            type: 'bar',
            data: rows.map((x) => ({
              value: Math.round(x.t.average_own_time_ms),
              itemStyle: { color: SEVERITY[x.t.status] },
            })),
            label: { show: true, position: 'right', fontSize: 10 },
            markLine: {
              symbol: 'none',
              data: [
                {
                  xAxis: warn,
                  lineStyle: { color: SEVERITY.warning, type: 'dashed' },
                  label: { formatter: `${warn} ms` },
                },
                {
                  xAxis: crit,
                  lineStyle: { color: SEVERITY.critical, type: 'dashed' },
                  label: { formatter: `${crit} ms` },
                },
              ],
            },
          },
        ],
      },
      Math.max(220, 60 + rows.length * 22),
    ),
    points: rows.length,
  };
}

/** The slowest transaction's steps on a time axis: an invisible bar for the offset, a coloured one for the duration. */
export function waterfallChart(r: DemoReport): Chart | undefined {
  const t = r.slowest_transactions[0];
  if (!t) return undefined;
  const spans = t.spans;
  // Non-breaking spaces: SVG text collapses ordinary ones.
  const labels = spans.map((s) => `${'\u00a0\u00a0'.repeat(s.depth)}${s.service} · ${s.operation}`);
  return {
    id: 'waterfall',
    title: `Slowest transaction: ${t.correlation_id}`,
    caption: `${t.scenario}, ${Math.round(t.duration_ms)} ms across ${t.services.join(', ')}. Each step from the services' audit trail; points in time are shown as thin marks.`,
    svg: render(
      {
        grid: { left: 240, right: 60, top: 20, bottom: 30 },
        xAxis: { type: 'value', name: 'ms' },
        yAxis: {
          type: 'category',
          inverse: true,
          data: labels,
          axisLabel: { fontSize: 10, fontFamily: 'DejaVu Sans Mono, monospace', align: 'left', margin: 230 },
        },
        series: [
          {
            type: 'bar',
            stack: 'w',
            silent: true,
            itemStyle: { color: 'transparent' },
            data: spans.map((s) => Math.round(s.start_ms)),
          },
          {
            type: 'bar',
            stack: 'w',
            data: spans.map((s) => ({
              value: Math.max(Math.round(s.duration_ms), Math.ceil(t.duration_ms / 400)),
              itemStyle: {
                color: serviceColor(s.service),
                ...(s.outcome === 'failure' ? { borderColor: SEVERITY.critical, borderWidth: 2 } : {}),
              },
            })),
            label: {
              show: true,
              position: 'right',
              fontSize: 9,
              formatter: (p: { dataIndex: number }) => {
                const s = spans[p.dataIndex];
                return s && s.duration_ms > 0 ? `${Math.round(s.duration_ms)} ms` : '';
              },
            },
          },
        ],
      },
      Math.max(200, 50 + spans.length * 20),
    ),
    points: spans.length,
  };
}

/** CPU and inbound request rate per service in each scenario, as the demo's Prometheus scraped them. */
export function prometheusChart(r: DemoReport): Chart | undefined {
  const measured = r.scenarios.filter((s) => s.prometheus !== null);
  if (measured.length === 0) return undefined;
  const services = SERVICE_NAMES.filter((n) =>
    measured.some((s) => s.prometheus?.services.some((m) => m.service === n)),
  );
  const value = (s: (typeof measured)[number], service: string, key: 'cpu_percent' | 'requests_per_second') =>
    s.prometheus?.services.find((m) => m.service === service)?.[key] ?? 0;
  const names = measured.map((s) => s.name.replace(/ Test$/, ''));
  const series = services.flatMap((service) =>
    (['cpu_percent', 'requests_per_second'] as const).map((key, i) => ({
      name: service,
      type: 'bar',
      xAxisIndex: i,
      yAxisIndex: i,
      itemStyle: { color: serviceColor(service) },
      data: measured.map((s) => Math.round(value(s, service, key) * 10) / 10),
    })),
  );
  return {
    id: 'prometheus',
    title: 'What Prometheus saw: CPU and inbound requests per service',
    caption:
      "Averages over each scenario from the Prometheus that scraped every service each second: rate(process_cpu_seconds_total) as % of one core (left); the RED histogram's request rate, calls between services included (right).",
    svg: render(
      {
        legend: { top: 8, data: services },
        grid: [
          { left: 55, right: 465, top: 60, bottom: 70 },
          { left: 475, right: 20, top: 60, bottom: 70 },
        ],
        xAxis: [0, 1].map((i) => ({
          type: 'category',
          data: names,
          gridIndex: i,
          axisLabel: { interval: 0, rotate: 30, fontSize: 10 },
        })),
        yAxis: [
          { type: 'value', name: 'CPU %', gridIndex: 0 },
          { type: 'value', name: 'req/s', gridIndex: 1 },
        ],
        series,
      },
      360,
    ),
    points: series.reduce((n, s) => n + s.data.length, 0),
  };
}

export function allCharts(r: DemoReport): Chart[] {
  return [
    latencyChart(r),
    throughputChart(r),
    errorRateChart(r),
    bottleneckChart(r),
    prometheusChart(r),
    waterfallChart(r),
  ].filter((c): c is Chart => c !== undefined);
}
