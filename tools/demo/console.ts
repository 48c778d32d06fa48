// What `make demo` prints: the enterprise demo document's console output (banner, per-scenario
// result block) with live progress while k6 runs. Progress rewrites one line on a terminal and
// prints a line every few seconds otherwise (CI logs).
import { nearestRank } from '../../services/kit/stats.ts';
import type { PlannedScenario } from './plan.ts';
import { succeeded, type RequestSample, type ResultBlock } from './samples.ts';

const RULE = '='.repeat(62);
const tty = process.stdout.isTTY === true;

export function banner(): void {
  console.log(`🚀 Starting MMF Comprehensive Demo
${RULE}
This demo will showcase:
✅ Transaction traceability and audit logging
✅ Error handling and root cause analysis
✅ Performance bottleneck identification
✅ Plugin architecture with real-time analytics
✅ Load testing and scalability analysis
${RULE}`);
}

export function pluginLine(version: string, services: number, latencyMs: number, errorPercent: number): void {
  console.log(`
🔌 Transaction Analytics Plugin v${version} initialized (in ${services} services)
   Performance threshold: ${latencyMs}ms
   Error threshold: ${errorPercent}%`);
}

export function scenarioStart(s: PlannedScenario, perSecond: number, seconds: number): void {
  console.log(`
🧪 Running scenario: ${s.name}  (k6: load/scenarios/${s.key}.ts)
   ${s.description}
   Rate: ${Math.round(perSecond * 100) / 100}/s, Duration: ${seconds}s
   Expected: ${s.expectation}`);
}

let lastPrinted = 0;

export function progress(samples: readonly RequestSample[], elapsedMs: number, seconds: number): void {
  const done = samples.length;
  const failed = samples.filter((s) => !succeeded(s)).length;
  const recent = samples
    .slice(-200)
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  const p95 = Math.round(nearestRank(recent, 95));
  const pct = Math.min(100, Math.round((elapsedMs / 1000 / seconds) * 100));
  const bar = '█'.repeat(Math.round(pct / 5)).padEnd(20, '·');
  const line = `   ${bar} ${String(pct).padStart(3)}%  ${(elapsedMs / 1000).toFixed(0).padStart(3)}s  requests ${done}  failed ${failed}  p95 (last 200) ${p95} ms`;
  if (tty) process.stdout.write(`\r${line}\u001b[K`);
  else if (elapsedMs - lastPrinted >= 5000) {
    console.log(line);
    lastPrinted = elapsedMs;
  }
}

export function progressDone(): void {
  if (tty) process.stdout.write('\n');
  lastPrinted = 0;
}

export function resultBlock(name: string, r: ResultBlock, status: string, problems: readonly string[]): void {
  console.log(`
📊 Results for ${name}:
   Total Requests: ${r.total_requests}
   Successful: ${r.successful}
   Failed: ${r.failed}${r.unexpected > 0 ? ` (unintended: ${r.unexpected})` : ''}
   Success Rate: ${r.success_rate_percent.toFixed(1)}%
   Average Response Time: ${r.average_response_time_ms.toFixed(2)}ms
   P95 Response Time: ${r.p95_response_time_ms.toFixed(2)}ms
   Max Response Time: ${r.max_response_time_ms.toFixed(2)}ms
   Throughput: ${r.throughput_rps.toFixed(2)} RPS
   Test Duration: ${r.duration_s.toFixed(2)}s`);
  const mark =
    status === 'passed' ? '✅ thresholds held' : status === 'broken' ? '❌ BROKEN' : '⚠️  thresholds missed';
  console.log(`   ${mark}${problems.length > 0 ? `: ${problems.join('; ')}` : ''}`);
}

export function section(title: string): void {
  console.log(`\n${RULE}\n${title}\n${RULE}`);
}
