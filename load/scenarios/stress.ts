// Stress: a staircase of arrival rates that climbs past what the stack can absorb. Each step is
// tagged, so the summary shows per step the order rate actually achieved, p95 and error rate, and
// names the first step that broke the order SLO: the knee. Only the first step is gated (the stack
// must hold its SLO under light load); breaking later is what this scenario is for.
import { SERVICES } from '../../catalog/services.ts';
import { SCALE } from '../lib/env.ts';
import { baseOptions } from '../lib/options.ts';
import { PHASE_TAG, phaseResults, phaseThresholds, staircase, tagPhase } from '../lib/phases.ts';
import { summaryFor } from '../lib/summary.ts';
import { buy, EXPECTED_SECONDS } from '../lib/transactions.ts';

const STEPS = [10, 25, 50, 100, 150, 200, 300].map((rps) => ({ rps, rampSeconds: 15, holdSeconds: 45 }));
const { stages, phases, maxRps } = staircase(STEPS, SCALE);
const firstStep = phases[0]?.name ?? '';
const { p95Ms, errorRatePercent } = SERVICES.order.slo;

export const options = baseOptions(
  {
    stress: {
      executor: 'ramping-arrival-rate',
      exec: 'placeOrder',
      startRate: 1,
      timeUnit: '1s',
      stages,
      // Enough VUs for the first steps up front; past the VU cap (LOAD_MAX_VUS) k6 drops
      // iterations, and the achieved order rate per step shows the shortfall.
      preAllocatedVUs: SCALE.vusFor(phases[2]?.rps ?? maxRps, EXPECTED_SECONDS.smallOrder),
      maxVUs: SCALE.vusFor(maxRps, EXPECTED_SECONDS.smallOrder * 4),
    },
  },
  {
    ...phaseThresholds(phases),
    [`http_req_duration{op:place_order,${PHASE_TAG}:${firstStep}}`]: [`p(95)<${p95Ms}`],
    [`http_req_failed{${PHASE_TAG}:${firstStep}}`]: [`rate<${errorRatePercent / 100}`],
  },
);

export function placeOrder(): void {
  tagPhase(phases);
  buy({ size: 'small' });
}

export const handleSummary = summaryFor('stress', (data) => {
  const steps = phaseResults(data, phases);
  const knee = steps.findIndex((s) => s.broken);
  return {
    slo: { p95Ms, errorRatePercent },
    steps,
    breakingStep: knee < 0 ? 'none: the last step still held the SLO' : steps[knee]?.phase,
    lastStepWithinSlo:
      knee < 0 ? steps[steps.length - 1]?.phase : knee === 0 ? 'none' : steps[knee - 1]?.phase,
  };
});
