// make chaos-test: the whole chaos run, scaled down (CHAOS_SECONDS=30, >= 3 kills), as a user runs
// it: the CLI's exit code, its summary, and the report it wrote, validated against the committed
// JSON Schema and read for the numbers that make the run sound.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from '../stack/stack.ts';
import { INVARIANT_NAMES } from './audit.ts';
import { validateReport, type ChaosReport } from './report.ts';

const reportDir = mkdtempSync(join(tmpdir(), 'mmf-chaos-'));
afterAll(() => rmSync(reportDir, { recursive: true, force: true }));

function runCli(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'tools', 'chaos', 'cli.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

it('make chaos, scaled down: >= 3 kills under load, every order terminal, 0 violations, a valid report', async () => {
  const { code, output } = await runCli({
    CHAOS_SECONDS: '30',
    REPORT_DIR: reportDir,
    CHAOS_RUN_DIR: join(ROOT, '.run', 'chaos-test'),
  });
  const files = readdirSync(reportDir).filter((f) => /^chaos_\d{8}_\d{6}\.json$/.test(f));
  expect(files, output).toHaveLength(1);
  const report = JSON.parse(readFileSync(join(reportDir, files[0] as string), 'utf8')) as ChaosReport;
  expect(validateReport(report)).toEqual([]);
  expect({ code, problems: report.problems, violations: report.violations }, output).toEqual({
    code: 0,
    problems: [],
    violations: [],
  });
  expect(report.passed).toBe(true);
  expect(report.kills.length).toBeGreaterThanOrEqual(3);
  expect(report.kills.every((k) => k.ready_after_ms !== null)).toBe(true);
  expect(report.recovery.terminal_after_s).not.toBeNull();
  expect(report.invariants.map((i) => i.name)).toEqual(INVARIANT_NAMES);
  // The run was a real one: orders of both outcomes, retried and replayed keys, every SKU checked.
  expect(report.load?.keys).toBeGreaterThan(50);
  expect(report.orders.confirmed).toBeGreaterThan(20);
  expect(report.orders.failed).toBeGreaterThan(5);
  expect(report.load?.replays).toBeGreaterThan(5);
  expect(report.load?.concurrent_duplicates).toBeGreaterThan(0);
  expect(report.invariants.find((i) => i.name === 'stock_conserved')?.checked).toBeGreaterThan(10);
  expect(output).toMatch(/PASSED: 0 violations/);
});
