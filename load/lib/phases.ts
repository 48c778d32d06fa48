// Phases of a scenario in time (stress stages, scaling steps, soak windows). Each VU tags its metrics
// with the phase it is in, so the summary gets latency, errors and throughput per phase: where p95
// broke, how the HPA kept up, whether a long run drifted.
import exec from 'k6/execution';
import { SERVICES } from '../../catalog/services.ts';
import type { Scaler } from './scale.ts';
import { shown, type Thresholds } from './slo.ts';
import { stat, type SummaryData } from './summary.ts';

export const PHASE_TAG = 'phase';

export interface Phase {
  readonly name: string;
  /** Duration of the phase in seconds (after scaling). */
  readonly seconds: number;
  /** Arrival rate the phase holds, if it is a rate step. */
  readonly rps?: number;
}

/** Name of the phase that `elapsedMs` (since the scenario started) falls in; the last one after the end. */
export function phaseAt(phases: readonly Phase[], elapsedMs: number): string {
  let end = 0;
  for (const phase of phases) {
    end += phase.seconds * 1000;
    if (elapsedMs < end) return phase.name;
  }
  const last = phases[phases.length - 1];
  if (!last) throw new Error('no phases');
  return last.name;
}

/** Call at the start of each iteration: tags everything this VU records with the current phase. */
export function tagPhase(phases: readonly Phase[]): void {
  exec.vu.metrics.tags[PHASE_TAG] = phaseAt(phases, Date.now() - exec.scenario.startTime);
}

export interface RateStep {
  readonly rps: number;
  readonly rampSeconds: number;
  readonly holdSeconds: number;
}

/** ramping-arrival-rate stages for a staircase (ramp to each step, hold it) and the matching phases. */
export function staircase(steps: readonly RateStep[], scale: Scaler) {
  const stages = [];
  const phases: Phase[] = [];
  for (const [i, step] of steps.entries()) {
    const rps = scale.rate(step.rps);
    stages.push({ duration: scale.duration(step.rampSeconds), target: rps });
    stages.push({ duration: scale.duration(step.holdSeconds), target: rps });
    phases.push({
      name: `${i + 1}-${rps}rps`,
      seconds: scale.seconds(step.rampSeconds) + scale.seconds(step.holdSeconds),
      rps,
    });
  }
  return { stages, phases, maxRps: Math.max(...phases.map((p) => p.rps ?? 0)) };
}

const orderLatency = (phase: string) => `http_req_duration{op:place_order,${PHASE_TAG}:${phase}}`;
const failures = (phase: string) => `http_req_failed{${PHASE_TAG}:${phase}}`;
const orders = (phase: string) => `http_reqs{op:place_order,${PHASE_TAG}:${phase}}`;

/** Display-only thresholds that make k6 report every phase's submetrics. */
export function phaseThresholds(phases: readonly Phase[]): Thresholds {
  const thresholds: Thresholds = {};
  for (const { name } of phases) {
    thresholds[orderLatency(name)] = shown('trend');
    thresholds[failures(name)] = shown('rate');
    thresholds[orders(name)] = shown('counter');
  }
  return thresholds;
}

export interface PhaseResult {
  readonly phase: string;
  readonly targetRps?: number;
  /** Orders placed per second during the phase (what the system actually absorbed). */
  readonly orderRps: number;
  readonly p95Ms?: number;
  readonly errorRatePercent?: number;
  /** True when p95 or the error rate broke the order service's SLO in this phase. */
  readonly broken: boolean;
}

const round = (n: number | undefined, digits = 1): number | undefined =>
  n === undefined ? undefined : Math.round(n * 10 ** digits) / 10 ** digits;

export function phaseResults(data: SummaryData, phases: readonly Phase[]): PhaseResult[] {
  const { p95Ms: sloP95, errorRatePercent: sloErrors } = SERVICES.order.slo;
  return phases.map((phase) => {
    const p95 = stat(data, orderLatency(phase.name), 'p(95)');
    const errorRate = stat(data, failures(phase.name), 'rate');
    const errorPercent = errorRate === undefined ? undefined : errorRate * 100;
    return {
      phase: phase.name,
      ...(phase.rps === undefined ? {} : { targetRps: phase.rps }),
      orderRps: round((stat(data, orders(phase.name), 'count') ?? 0) / phase.seconds) ?? 0,
      ...(p95 === undefined ? {} : { p95Ms: round(p95) }),
      ...(errorPercent === undefined ? {} : { errorRatePercent: round(errorPercent, 2) }),
      broken: (p95 ?? 0) > sloP95 || (errorPercent ?? 0) > sloErrors,
    };
  });
}
