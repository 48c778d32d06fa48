// The measurement: at 20 requests/s, a bad canary (5 % errors vs 0.1 % on stable) is rolled
// back within 2 intervals in >= 99 of 100 seeded trials, and a healthy one is never rolled back in 100
// trials with the same noise. Through the real promotion loop and judge, with the production profile's
// timing (60 s intervals, 15 min soak); `make canary-simulate` prints the same figures.
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../charts-src/config/profiles.ts';
import { planFor } from './plan.ts';
import { rolledBackWithin, runTrials, SCENARIOS } from './simulation.ts';

const plan = planFor(PROFILES.production.canaryAnalysis, { fromWeight: SCENARIOS.bad.startWeight });

describe('seeded simulation at 20 requests/s (production timing)', () => {
  it('rolls a bad canary back within 2 intervals in at least 99 of 100 trials, for its error rate', async () => {
    const figures = await runTrials(SCENARIOS.bad, plan, 100);
    expect(rolledBackWithin(figures, 2)).toBeGreaterThanOrEqual(99);
    expect(figures.verdicts.rolled_back).toBe(100);
    expect(figures.triggers).toEqual({ error_rate: 100 });
  });

  it('never rolls back a healthy canary in 100 trials, and promotes it', async () => {
    const figures = await runTrials(SCENARIOS.healthy, plan, 100);
    expect(figures.verdicts.rolled_back).toBe(0);
    expect(figures.verdicts.promoted).toBe(100);
  });

  it('rolls back a canary four times slower, for its latency', async () => {
    const figures = await runTrials(SCENARIOS.slow, plan, 100);
    expect(rolledBackWithin(figures, 2)).toBe(100);
    expect(figures.triggers).toEqual({ latency: 100 });
  });
});
