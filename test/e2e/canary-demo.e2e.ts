// make canary-test: the local canary demo, scaled down: one stack (petstore stable and canary, the rest of the services,
// a real Prometheus, the router on the synthesized gateway VirtualService) and three promotions on
// it, each with k6 load through the router: good is promoted through every step, bad (the canary
// failing a share of its requests) is rolled back by the 30 % step for its error rate, idle (no
// load) halts. Each writes a report that validates against the committed JSON Schema.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCanary, type LocalTiming } from '../../tools/canary/local-canary.ts';
import { validateReport } from '../../tools/canary/report.ts';

/** 5 s intervals, 5 s soak, windows judged from 20 canary requests (40/s: 20 per interval at 10 %). */
const SCALED: LocalTiming = { analysis: { intervalSeconds: 5, soakSeconds: 5 }, rps: 40, minRequests: 20 };

let dir: string;
let local: LocalCanary;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmf-canary-'));
  local = await LocalCanary.start({ runDir: join(dir, 'run'), reportsDir: join(dir, 'reports') });
}, 120_000);

afterAll(async () => {
  await local?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('local canary demo (scaled down)', () => {
  it('promotes a healthy canary through 10, 30, 50 and 100 %', async () => {
    const { result, report, reportPath } = await local.promote('good', SCALED);
    expect(result.verdict, result.reason).toBe('promoted');
    expect([...new Set(report.steps.map((s) => s.weight))]).toEqual([10, 30, 50, 100]);
    expect(report.final_weight).toBe(100);
    expect(report.steps.every((s) => s.canary && s.canary.requests > 0)).toBe(true);
    expect(basename(reportPath)).toMatch(/^canary_\d{8}_\d{6}(_\d+)?\.json$/);
    expect(validateReport(report)).toEqual([]);
  }, 120_000);

  it('rolls a canary that fails requests back by the 30 % step, for its error rate', async () => {
    const { result, report } = await local.promote('bad', SCALED);
    expect(result.verdict, result.reason).toBe('rolled_back');
    expect(result.trigger).toBe('error_rate');
    expect(result.reason).toMatch(/error rate/);
    expect(report.final_weight).toBe(0);
    const last = report.steps.at(-1);
    expect(last?.decision).toBe('rollback');
    expect(last?.weight).toBeLessThanOrEqual(30);
    expect(last?.canary?.error_rate).toBeGreaterThan(0.05);
    expect(last?.stable?.error_rate).toBe(0);
    expect(validateReport(report)).toEqual([]);
  }, 120_000);

  it('halts without traffic, back at the weight it started from', async () => {
    const { result, report } = await local.promote('idle', SCALED);
    expect(result.verdict, result.reason).toBe('halted');
    expect(result.trigger).toBe('no_data');
    expect(report.steps).toHaveLength(1);
    expect(result.reason).toMatch(/no (traffic|series|canary requests)/);
    expect(report.final_weight).toBe(report.start_weight);
    expect(validateReport(report)).toEqual([]);
    expect((await readdir(join(dir, 'reports'))).length).toBe(3);
  }, 60_000);
});
