import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../charts-src/config/profiles.ts';
import { planFor } from './plan.ts';
import { runPromotion } from './promotion.ts';
import { buildReport, reportBaseName, SCHEMA_PATH, schemaText, validateReport } from './report.ts';
import { SCENARIOS, simulatedPromotion } from './simulation.ts';

const plan = planFor(PROFILES.kind.canaryAnalysis, { fromWeight: 10 });
const versions = { stable: '0.1.0', canary: '0.2.0' };

async function report(scenario: keyof typeof SCENARIOS) {
  const result = await runPromotion(plan, simulatedPromotion({ ...SCENARIOS[scenario], rps: 40 }, 3));
  const ctx = {
    target: 'local',
    scenario,
    service: 'petstore',
    versions,
    plan,
    startedAt: new Date(0),
  } as const;
  return buildReport(result, ctx);
}

describe('canary report', () => {
  it('carries the verdict, the reason and every judged window with per-version numbers', async () => {
    const r = await report('bad');
    expect(r).toMatchObject({
      verdict: 'rolled_back',
      trigger: 'error_rate',
      final_weight: 0,
      start_weight: 10,
    });
    const last = r.steps.at(-1);
    expect(last).toMatchObject({ decision: 'rollback', trigger: 'error_rate', source: 'app' });
    expect(last?.canary).toMatchObject({ version: '0.2.0' });
    expect(last?.canary?.error_rate).toBeGreaterThan(0.01);
    expect(last?.stable?.p95_ms).toBeGreaterThan(0);
    expect(r.plan).toMatchObject({ steps: [10, 30, 50, 100], interval_s: 30, soak_s: 60, min_requests: 100 });
  });

  it('validates against the committed JSON Schema, which rejects a broken report', async () => {
    for (const scenario of ['good', 'bad'] as const) {
      expect(validateReport(await report(scenario === 'good' ? 'healthy' : scenario))).toEqual([]);
    }
    const r = await report('healthy');
    const { verdict: _verdict, ...noVerdict } = r;
    expect(validateReport(noVerdict).join()).toMatch(/verdict/);
    expect(validateReport({ ...r, verdict: 'passed' }).join()).toMatch(/allowed values/);
    const badStep = { ...r.steps[0], canary: { ...r.steps[0]?.canary, error_rate: 1.5 } };
    expect(validateReport({ ...r, steps: [badStep] }).join()).toMatch(/steps\/0\/canary\/error_rate/);
  });

  it('has its JSON Schema committed and up to date (make canary-schema)', async () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(await schemaText());
  });

  it('is named canary_YYYYMMDD_HHMMSS after its local start time', () => {
    expect(reportBaseName(new Date(2026, 10, 21, 15, 30, 12))).toBe('canary_20261121_153012');
  });
});
