// Scaling: a staircase of order rates sized from the catalog's HPA settings: each step asks for one
// more replica (half a pod's worth of requests, then one and a half, ...) up to the kind cluster's
// maximum, and holds long enough for the HPA to see the rate (1 min window), pass its scale-up
// stabilisation (60 s) and start the pod. The last step drops back and holds past the 300 s scale-down
// stabilisation. Watch `kubectl get hpa -w -n petstore` while it runs; the summary shows each step's
// achieved rate, p95 and error rate next to the replicas the HPA should have reached.
import { SERVICES } from '../../catalog/services.ts';
import { SCALE } from '../lib/env.ts';
import { baseOptions } from '../lib/options.ts';
import { phaseResults, phaseThresholds, staircase, tagPhase } from '../lib/phases.ts';
import { NO_SERVER_ERRORS, sloThresholds } from '../lib/slo.ts';
import { summaryFor } from '../lib/summary.ts';
import { buy, EXPECTED_SECONDS } from '../lib/transactions.ts';

const { requestsPerSecondPerPod: perPod, kind } = SERVICES.order.scaling;
const RAMP_SECONDS = 30;
const HOLD_SECONDS = 180;
const SCALE_DOWN_HOLD_SECONDS = 360;

/** Replicas the HPA should settle at for a given per-service rate. */
export function expectedReplicas(rps: number): number {
  return Math.min(kind.maxReplicas, Math.max(kind.minReplicas, Math.ceil(rps / perPod)));
}

const up = Array.from({ length: kind.maxReplicas }, (_, i) => ({
  rps: Math.round((i + 0.5) * perPod),
  rampSeconds: RAMP_SECONDS,
  holdSeconds: HOLD_SECONDS,
}));
const down = {
  rps: Math.round(0.5 * perPod),
  rampSeconds: RAMP_SECONDS,
  holdSeconds: SCALE_DOWN_HOLD_SECONDS,
};
const { stages, phases, maxRps } = staircase([...up, down], SCALE);

export const options = baseOptions(
  {
    scaling: {
      executor: 'ramping-arrival-rate',
      exec: 'placeOrder',
      startRate: 1,
      timeUnit: '1s',
      stages,
      ...SCALE.arrivalVus(maxRps, EXPECTED_SECONDS.smallOrder),
    },
  },
  { ...sloThresholds(['order']), ...NO_SERVER_ERRORS, ...phaseThresholds(phases) },
);

export function placeOrder(): void {
  tagPhase(phases);
  buy({ size: 'small' });
}

export const handleSummary = summaryFor('scaling', (data) => ({
  requestsPerSecondPerPod: perPod,
  steps: phaseResults(data, phases).map((step) => ({
    ...step,
    expectedReplicas: expectedReplicas(step.targetRps ?? 0),
  })),
}));
