// Live progress of a promotion, one line per event, for `make promote` and `make canary-demo`.
import type { VersionSummary } from './judge.ts';
import type { Plan } from './plan.ts';
import type { Clock, ProgressEvent, PromotionResult } from './promotion.ts';
import { setTimeout as sleep } from 'node:timers/promises';

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

const clockText = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

const versionText = (name: string, v: VersionSummary | undefined): string =>
  v === undefined
    ? `${name} -`
    : `${name} ${v.requests} req ${(v.errorRate * 100).toFixed(1)} % err p95 ${v.p95Ms === undefined ? '-' : `${Math.round(v.p95Ms)} ms`}`;

/** A progress printer; `since` is when the promotion started (the clock's now()). */
export function progressLine(event: ProgressEvent, clock: Clock, since: number): string {
  const at = `[${clockText(clock.now() - since)}]`;
  if (event.type === 'weight') return `${at} weights: canary ${event.from} % → ${event.to} %`;
  const r = event.record;
  return `${at} ${String(r.weight).padStart(3)} %  ${r.decision.padEnd(8)} ${versionText('stable', r.stable)} | ${versionText('canary', r.canary)}\n         ${r.reason}`;
}

export function planText(plan: Plan): string {
  const p = plan.policy;
  return [
    `steps ${plan.steps.join(' → ')} % (canary weight); interval ${plan.intervalMs / 1000} s; soak ${plan.soakMs / 1000} s at 100 %`,
    `rollback: errors > ${p.maxErrorPercent} % or p95 > ${p.maxP95Ms} ms (from ${p.minRequests} canary requests on),`,
    `  or worse than stable: Fisher exact test on errors and on the slow tail (above the pooled p${p.tailQuantile * 100} bucket), p < ${p.alpha.toExponential(2)} and at least ${p.minErrorDiffPoints} / ${p.minSlowDiffPoints} points;`,
    `  early (fewer than ${p.minRequests} requests): exact binomial test against the limits, p < ${p.alphaEarly.toExponential(2)}`,
    `hold: fewer than ${p.minRequests} canary requests (the window grows, at most ${p.maxIntervals} intervals; then halt)`,
    `halt: no data, no traffic, too few requests, unreadable metrics — weights back to where the promotion started`,
  ].join('\n');
}

export function resultLine(result: PromotionResult): string {
  const verdict = { promoted: 'PROMOTED', rolled_back: 'ROLLED BACK', halted: 'HALTED' }[result.verdict];
  return `${verdict} after ${(result.durationMs / 1000).toFixed(0)} s (${result.intervals} interval${result.intervals === 1 ? '' : 's'}): ${result.reason}; canary now at ${result.finalWeight} %`;
}
