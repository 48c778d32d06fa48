// Soak: the mixed workload at a moderate, constant rate for half an hour. What it finds is drift:
// latency or errors that grow with time (leaks, unbounded tables, expiring reservations piling up).
// Requests are tagged with the third of the run they fall in; the summary compares first and last.
import { SCALE } from '../lib/env.ts';
import { baseOptions } from '../lib/options.ts';
import { phaseResults, phaseThresholds, tagPhase, type Phase } from '../lib/phases.ts';
import { NO_SERVER_ERRORS, orderSizeThresholds, sloThresholds } from '../lib/slo.ts';
import { summaryFor } from '../lib/summary.ts';
import {
  browser as browse,
  buyerFor,
  setupWorkload,
  tracker as track,
  workloadScenarios,
  type SetupData,
  type WorkloadRates,
} from '../lib/workload.ts';

const RATES: WorkloadRates = {
  buyPerSecond: 4,
  browsePerSecond: 6,
  trackPerSecond: 2,
  largeShare: 0.2,
  declineShare: 0,
};
const SECONDS = 30 * 60;
const third = SCALE.seconds(SECONDS) / 3;
const PHASES: readonly Phase[] = [
  { name: 'first-third', seconds: third },
  { name: 'middle-third', seconds: third },
  { name: 'last-third', seconds: third },
];

export const options = baseOptions(workloadScenarios(RATES, SECONDS), {
  ...sloThresholds(['order', 'inventory']),
  ...orderSizeThresholds(),
  ...NO_SERVER_ERRORS,
  ...phaseThresholds(PHASES),
});

export const setup = setupWorkload;

const buy = buyerFor(RATES);

export function buyer(): void {
  tagPhase(PHASES);
  buy();
}

export function browser(): void {
  tagPhase(PHASES);
  browse();
}

export function tracker(data: SetupData): void {
  tagPhase(PHASES);
  track(data);
}

export const handleSummary = summaryFor('soak', (data) => {
  const windows = phaseResults(data, PHASES);
  const first = windows[0];
  const last = windows[windows.length - 1];
  return {
    windows,
    // Positive = the end of the run was slower than its start.
    orderP95DriftMs:
      first?.p95Ms === undefined || last?.p95Ms === undefined
        ? undefined
        : Math.round(last.p95Ms - first.p95Ms),
  };
});
