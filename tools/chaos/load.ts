// The chaos load as the runner sees it: k6 on load/probes/chaos.ts, its console lines (one per
// Idempotency-Key, `{"chaos":"answer",...}`) in a log file, summed up for the report and turned into
// the client answers the audit checks against the store.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientAnswer } from './audit.ts';

export interface Outcome {
  status: number;
  error: string | null;
  order_id: string | null;
  attempts: number;
  final: boolean;
}

/** One key's line, as load/probes/chaos.ts logs it. */
export interface KeyLine {
  chaos: 'answer';
  via: string;
  customer_id: string;
  key: string;
  fault: string | null;
  answers: Outcome[];
  replay: Outcome | null;
}

/** The key lines in k6's log (raw format: one console line per line; other lines are ignored). */
export function parseKeyLines(log: string): KeyLine[] {
  const out: KeyLine[] = [];
  for (const line of log.split('\n')) {
    const at = line.indexOf('{"chaos":"answer"');
    if (at < 0) continue;
    out.push(JSON.parse(line.slice(at)) as KeyLine);
  }
  return out;
}

const label = (o: Outcome): string => (o.error ? `${o.status} ${o.error}` : String(o.status));

/** The report's load section (without k6's exit code). */
export function summarizeLoad(lines: readonly KeyLine[]) {
  const answers: Record<string, number> = {};
  let requests = 0;
  for (const l of lines) {
    const [first] = l.answers;
    if (first) answers[label(first)] = (answers[label(first)] ?? 0) + 1;
    for (const o of [...l.answers, ...(l.replay ? [l.replay] : [])]) requests += o.attempts;
  }
  return {
    keys: lines.length,
    requests,
    retried_keys: lines.filter((l) => l.answers.some((o) => o.attempts > 1)).length,
    replays: lines.filter((l) => l.replay).length,
    concurrent_duplicates: lines.filter((l) => l.answers.length > 1).length,
    unanswered: lines.filter((l) => !l.answers.every((o) => o.final)).length,
    answers,
  };
}

/** Every answer a client got, for the audit's one-order-per-key check. */
export function clientAnswers(lines: readonly KeyLine[]): ClientAnswer[] {
  return lines.flatMap((l) =>
    [...l.answers, ...(l.replay ? [l.replay] : [])].map((o) => ({
      customer_id: l.customer_id,
      key: l.key,
      order_id: o.order_id,
      status: o.status,
      final: o.final,
    })),
  );
}

export interface ChaosK6 {
  child: ChildProcess;
  exited: Promise<number>;
  logFile: string;
}

/** Starts k6 on the chaos script; the promise resolves with its exit code. */
export function startK6(opts: {
  k6: string;
  root: string;
  outDir: string;
  env: Readonly<Record<string, string>>;
}): ChaosK6 {
  const logFile = join(opts.outDir, 'chaos-k6.log');
  const child = spawn(
    opts.k6,
    [
      'run',
      '--quiet',
      '--no-color',
      '--log-format=raw',
      `--log-output=file=${logFile}`,
      join(opts.root, 'load', 'probes', 'chaos.ts'),
    ],
    {
      cwd: opts.root,
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => {
      if (code !== 0) console.error(output.trim().split('\n').slice(-20).join('\n'));
      resolve(code ?? (signal ? 128 : 1));
    }),
  );
  return { child, exited, logFile };
}

export function readKeyLines(logFile: string): KeyLine[] {
  return existsSync(logFile) ? parseKeyLines(readFileSync(logFile, 'utf8')) : [];
}
