import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../charts-src/config/profiles.ts';
import type { Snapshot } from './counters.ts';
import { planFor } from './plan.ts';
import { runPromotion, type ProgressEvent } from './promotion.ts';
import { SCENARIOS, simulatedPromotion, type Scenario } from './simulation.ts';

const analysis = PROFILES.kind.canaryAnalysis;

function run(scenario: Scenario, seed = 7) {
  const sim = simulatedPromotion(scenario, seed);
  const writes: number[] = [];
  const events: ProgressEvent[] = [];
  const weights = {
    read: sim.weights.read,
    write: async (w: number) => {
      writes.push(w);
      await sim.weights.write(w);
    },
  };
  const plan = planFor(analysis, { fromWeight: scenario.startWeight });
  const result = runPromotion(plan, { ...sim, weights, onProgress: (e) => events.push(e) });
  return { result, writes, events, plan };
}

describe('runPromotion', () => {
  it('walks a healthy canary through every step, then soaks at 100 %', async () => {
    const { result, writes, events } = run({ ...SCENARIOS.healthy, rps: 40 });
    const r = await result;
    expect(r.verdict).toBe('promoted');
    expect(writes).toEqual([30, 50, 100]);
    expect(r.finalWeight).toBe(100);
    const atFull = r.steps.filter((s) => s.weight === 100);
    expect(atFull.length).toBeGreaterThanOrEqual(analysis.soakSeconds / analysis.intervalSeconds);
    const judgedAt = r.steps.map((s) => s.weight);
    expect(judgedAt).toEqual([...judgedAt].sort((a, b) => a - b));
    expect(new Set(judgedAt)).toEqual(new Set([10, 30, 50, 100]));
    expect(events.filter((e) => e.type === 'weight')).toEqual([
      { type: 'weight', from: 10, to: 30 },
      { type: 'weight', from: 30, to: 50 },
      { type: 'weight', from: 50, to: 100 },
    ]);
    expect(r.steps.every((s) => s.decision === 'promote' || s.decision === 'hold')).toBe(true);
  });

  it('rolls a bad canary back to 0 % and says why', async () => {
    const { result, writes } = run({ ...SCENARIOS.bad, rps: 40 });
    const r = await result;
    expect(r.verdict).toBe('rolled_back');
    expect(r.trigger).toBe('error_rate');
    expect(writes.at(-1)).toBe(0);
    expect(r.reason).toMatch(/^rolled back at (10|30) %: .*error rate/);
  });

  it('holds while requests trickle in (the window grows), then halts and restores the start weight', async () => {
    const { result, writes } = run({ ...SCENARIOS.healthy, rps: 1, startWeight: 0 });
    const r = await result;
    expect(r.verdict).toBe('halted');
    expect(r.trigger).toBe('too_few_requests');
    expect(r.steps.map((s) => s.decision)).toEqual(['hold', 'hold', 'hold', 'halt']);
    const seen = r.steps.map((s) => s.canary?.requests ?? 0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(writes).toEqual([10, 0]);
  });

  it('halts on no traffic at the first look', async () => {
    const r = await run({ ...SCENARIOS.healthy, rps: 1e-9 }).result;
    expect(r).toMatchObject({ verdict: 'halted', trigger: 'no_data', intervals: 1 });
    expect(r.reason).toMatch(/no series for either version/);
  });

  it('halts and restores the weights when metrics cannot be read', async () => {
    const writes: number[] = [];
    let calls = 0;
    const r = await runPromotion(planFor(analysis), {
      weights: { read: () => Promise.resolve(0), write: (w) => Promise.resolve(void writes.push(w)) },
      metrics: {
        snapshot: (): Promise<Snapshot> =>
          ++calls === 1 ? Promise.resolve({}) : Promise.reject(new Error('prometheus: connection refused')),
      },
      clock: { now: () => 0, sleep: () => Promise.resolve() },
    });
    expect(r).toMatchObject({ verdict: 'halted', trigger: 'failure', finalWeight: 0 });
    expect(r.reason).toMatch(/connection refused/);
    expect(writes).toEqual([10, 0]);
  });
});
