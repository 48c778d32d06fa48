// The HTML analysis report: one self-contained file (inline styles, charts as inline SVG, no script,
// nothing fetched), readable offline. Replaces the petstore document's notebook.
import { writeFileSync } from 'node:fs';
import type { DemoReport } from '../report-schema.ts';
import { allCharts, serviceColor, type Chart } from './charts.ts';

const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const n = (x: number, digits = 0): string =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const STYLE = `
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:0;background:#f5f6f8;color:#1f2933}
main{max-width:960px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
.sub{color:#52606d;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:10px;margin:16px 0}
.card{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 2px #0002}
.card b{display:block;font-size:20px}.card span{font-size:12px;color:#52606d}
figure{background:#fff;border-radius:8px;margin:14px 0;padding:12px 16px;box-shadow:0 1px 2px #0002}
figcaption{font-size:12px;color:#52606d;margin-bottom:6px}figure h3{margin:0 0 2px;font-size:15px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:12px;box-shadow:0 1px 2px #0002}
th,td{padding:5px 8px;border-bottom:1px solid #e4e7eb;text-align:right}th{background:#eef0f3}
td:first-child,th:first-child,td.l,th.l{text-align:left}
.passed{color:#2f855a}.thresholds_failed{color:#b7791f}.broken{color:#c53030;font-weight:bold}
.high{color:#c53030;font-weight:bold}.medium{color:#b7791f}
ul.rec li{margin:4px 0}.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px}
details{background:#fff;border-radius:8px;padding:8px 12px;margin:8px 0;box-shadow:0 1px 2px #0002;font-size:12px}
code{font-size:12px}
`;

function figure(c: Chart): string {
  return `<figure class="chart" id="chart-${c.id}" data-points="${c.points}"><h3>${esc(c.title)}</h3><figcaption>${esc(c.caption)}</figcaption>${c.svg}</figure>`;
}

function cards(r: DemoReport): string {
  const s = r.load_test_summary;
  const top = r.performance_analysis.bottleneck_analysis.critical_services[0];
  const items: [string, string][] = [
    [n(s.total_requests), 'requests'],
    [`${n(s.overall_success_rate_percent, 1)} %`, 'successful'],
    [`${n(s.average_response_time_ms)} ms`, 'average response'],
    [`${n(s.p95_response_time_ms)} ms`, 'p95 response'],
    [top ? `${top.service}` : 'none', top ? `top bottleneck (${top.scenario})` : 'bottlenecks'],
  ];
  return `<div class="cards">${items.map(([v, l]) => `<div class="card"><b>${esc(v)}</b><span>${esc(l)}</span></div>`).join('')}</div>`;
}

function scenarioTable(r: DemoReport): string {
  const rows = r.scenarios.map(
    (s) =>
      `<tr><td>${esc(s.name)}<br><span class="sub">load/scenarios/${esc(s.key)}.ts</span></td><td class="l ${s.status}">${esc(s.status.replace('_', ' '))}${s.problems.length ? `<br><span class="sub">${esc(s.problems.join('; '))}</span>` : ''}</td><td>${n(s.total_requests)}</td><td>${n(s.successful)}</td><td>${n(s.failed)}</td><td>${n(s.success_rate_percent, 1)} %</td><td>${n(s.average_response_time_ms)}</td><td>${n(s.p95_response_time_ms)}</td><td>${n(s.max_response_time_ms)}</td><td>${n(s.throughput_rps, 1)}</td><td>${n(s.duration_s, 1)}</td></tr>`,
  );
  return `<table><tr><th>scenario</th><th class="l">status</th><th>requests</th><th>ok</th><th>failed</th><th>success</th><th>avg ms</th><th>p95 ms</th><th>max ms</th><th>req/s</th><th>s</th></tr>${rows.join('')}</table>`;
}

function bottleneckTable(r: DemoReport): string {
  const b = r.performance_analysis.bottleneck_analysis.critical_services;
  if (b.length === 0)
    return '<p>No service spent more than the threshold of its own time per transaction.</p>';
  const rows = b.map(
    (x) =>
      `<tr><td><span class="dot" style="background:${serviceColor(x.service)}"></span>${esc(x.service)}</td><td class="l">${esc(x.scenario)}</td><td class="l">${esc(x.operations.map((o) => `${o.operation} ${n(o.average_own_time_ms)}`).join(', '))}</td><td>${n(x.average_response_time_ms)}</td><td class="l ${x.severity}">${x.severity}</td><td class="l">${esc(x.impact)}</td></tr>`,
  );
  return `<table><tr><th>service</th><th class="l">scenario</th><th class="l">own time by operation (ms per transaction)</th><th>total ms</th><th class="l">severity</th><th class="l">impact</th></tr>${rows.join('')}</table>`;
}

function errorTable(r: DemoReport): string {
  const p = r.performance_analysis.error_analysis.error_patterns;
  if (p.length === 0) return '<p>No operation failed.</p>';
  const rows = p.map(
    (e) =>
      `<tr><td>${esc(e.scenario)}</td><td class="l">${esc(e.service)}</td><td class="l">${esc(e.operation)}</td><td class="l">${esc(e.error_type)}</td><td>${n(e.count)}</td><td>${n(e.rate_percent, 2)} %</td></tr>`,
  );
  return `<table><tr><th>scenario</th><th class="l">service</th><th class="l">operation</th><th class="l">error</th><th>count</th><th>of the operation</th></tr>${rows.join('')}</table>`;
}

function slowestTable(r: DemoReport): string {
  const rows = r.slowest_transactions.map(
    (t) =>
      `<tr><td><code>${esc(t.correlation_id)}</code></td><td class="l">${esc(t.scenario)}</td><td>${n(t.duration_ms)}</td><td class="l">${esc(t.services.join(' → '))}</td><td class="l">${t.failed ? 'failed' : 'ok'}</td></tr>`,
  );
  return `<table><tr><th>correlation ID</th><th class="l">scenario</th><th>ms</th><th class="l">services</th><th class="l">outcome</th></tr>${rows.join('')}</table><p class="sub">Any of them: <code>make trace ID=&lt;correlation ID&gt;</code></p>`;
}

function prometheusTable(r: DemoReport): string {
  const rows = r.scenarios.flatMap((s) =>
    (s.prometheus?.services ?? []).map(
      (m) =>
        `<tr><td>${esc(s.name)}</td><td class="l"><span class="dot" style="background:${serviceColor(m.service)}"></span>${esc(m.service)}</td><td>${n(m.requests_per_second, 1)}</td><td>${m.p95_ms === null ? '–' : n(m.p95_ms)}</td><td>${n(m.server_error_percent, 2)} %</td><td>${n(m.cpu_percent)} %</td><td>${n(m.max_rss_mb)}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '<p>This run had no Prometheus (bin/prometheus missing).</p>';
  return `<table><tr><th>scenario</th><th class="l">service</th><th>inbound req/s</th><th>p95 ms</th><th>5xx</th><th>CPU</th><th>max RSS MB</th></tr>${rows.join('')}</table><p class="sub">PromQL over each scenario's window, e.g. <code>histogram_quantile(0.95, sum by (service, le) (rate(mmf_http_server_request_duration_seconds_bucket[20s])))</code>.</p>`;
}

function pluginFindings(r: DemoReport): string {
  return r.scenarios
    .map((s) => {
      const items = s.plugin_findings.map(
        (f) =>
          `<li><b>${esc(f.service)}</b>: ${n(f.total_operations)} operations, ${n(f.error_rate_percent, 2)} % failed — ${esc(f.recommendations.join(' '))}</li>`,
      );
      return `<details><summary>${esc(s.name)}: what each service's transaction-analytics plugin reported</summary><ul>${items.join('')}</ul></details>`;
    })
    .join('');
}

export function reportHtml(r: DemoReport, jsonName: string): string {
  const charts = allCharts(r);
  const recs = r.performance_analysis.recommendations.map((x) => `<li>${esc(x)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>MMF demo report ${esc(r.test_execution_timestamp)}</title><style>${STYLE}</style></head>
<body><main>
<h1>MMF petstore demo report</h1>
<div class="sub">${esc(r.test_execution_timestamp)} · ${r.scenarios.length} scenarios · DEMO_SCALE=${r.demo.demo_scale} · ${n(r.demo.duration_s)} s · ${r.demo.machine.cpus} CPUs, load average ${r.demo.machine.load_average.join(' / ')} · data: <code>${esc(jsonName)}</code></div>
${cards(r)}
<h2>Recommendations</h2><ul class="rec">${recs}</ul>
<h2>Scenarios</h2>${scenarioTable(r)}
${charts.map(figure).join('\n')}
<h2>Bottlenecks</h2>${bottleneckTable(r)}
<h2>Error patterns</h2>${errorTable(r)}
<h2>Slowest transactions</h2>${slowestTable(r)}
<h2>Prometheus, per service</h2>${prometheusTable(r)}
<h2>Plugin findings</h2>${pluginFindings(r)}
<p class="sub">Written by <code>make demo</code> (tools/demo). Every number was measured in this run.</p>
</main></body></html>
`;
}

export function writeHtml(r: DemoReport, path: string, jsonName: string): void {
  writeFileSync(path, reportHtml(r, jsonName));
}
