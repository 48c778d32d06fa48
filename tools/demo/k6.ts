// Runs one k6 scenario for the demo: the real ./bin/k6 on load/scenarios/<key>.ts, every request
// streamed to a CSV file that is read while k6 runs (live progress) and afterwards (the numbers).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../stack/stack.ts';
import { fullLengthSeconds, startsPerSecond, type Inspected } from './plan.ts';
import { SampleReader, type RequestSample } from './samples.ts';

export const K6 = join(ROOT, 'bin', 'k6');

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
  value?: number | undefined;
}

export interface K6Result {
  exitCode: number;
  startedMs: number;
  endedMs: number;
  samples: RequestSample[];
  /** From the scenario's own summary (reports/<key>-summary.json written by handleSummary). */
  thresholds: ThresholdResult[];
  findings: Record<string, unknown>;
  /** k6's text summary and log lines. */
  output: string;
}

/**
 * How long a script runs and how many iterations per second it starts with this environment, asked
 * from k6 itself (`k6 inspect`), so no number is copied from the script.
 */
export function inspectScript(
  key: string,
  env: Readonly<Record<string, string>>,
): { seconds: number; perSecond: number } {
  const args = ['inspect', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), script(key)];
  const out = JSON.parse(
    execFileSync(K6, args, { cwd: ROOT, encoding: 'utf8', env: k6Env({}) }),
  ) as Inspected;
  return { seconds: fullLengthSeconds(out), perSecond: startsPerSecond(out) };
}

const script = (key: string): string => join(ROOT, 'load', 'scenarios', `${key}.ts`);

function k6Env(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { ...process.env, K6_NO_USAGE_REPORT: 'true', K6_CSV_TIME_FORMAT: 'unix_milli', ...extra };
}

export interface RunOptions {
  key: string;
  env: Readonly<Record<string, string>>;
  /** Directory for the CSV and the summary JSON. */
  outDir: string;
  /** Called about once a second with every sample so far. */
  onProgress?: (samples: readonly RequestSample[], elapsedMs: number) => void;
  /** Set while k6 runs, so an interrupt can stop it. */
  onChild?: (child: ChildProcess | undefined) => void;
}

export async function runK6(opts: RunOptions): Promise<K6Result> {
  const csv = join(opts.outDir, `${opts.key}.csv`);
  const summary = join(opts.outDir, `${opts.key}-summary.json`);
  rmSync(csv, { force: true });
  rmSync(summary, { force: true });
  const startedMs = Date.now();
  const child = spawn(K6, ['run', '--quiet', '--no-color', '--out', `csv=${csv}`, script(opts.key)], {
    cwd: ROOT,
    env: k6Env({ ...opts.env, REPORT_DIR: opts.outDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  opts.onChild?.(child);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
  );

  const reader = new SampleReader();
  const tail = new FileTail(csv);
  let exitCode: number | undefined;
  void exited.then((c) => (exitCode = c));
  while (exitCode === undefined) {
    await Promise.race([sleep(1000), exited]);
    reader.push(tail.read());
    opts.onProgress?.(reader.samples, Date.now() - startedMs);
  }
  opts.onChild?.(undefined);
  reader.push(tail.read());
  reader.push('\n');
  const endedMs = Date.now();
  const own = readSummary(summary);
  return { exitCode, startedMs, endedMs, samples: reader.samples, output, ...own };
}

function readSummary(path: string): Pick<K6Result, 'thresholds' | 'findings'> {
  if (!existsSync(path)) return { thresholds: [], findings: {} };
  const s = JSON.parse(readFileSync(path, 'utf8')) as {
    thresholds?: ThresholdResult[];
    findings?: Record<string, unknown>;
  };
  return { thresholds: s.thresholds ?? [], findings: s.findings ?? {} };
}

/** Reads what was appended to a file since the last read (the file may not exist yet). */
class FileTail {
  readonly #path: string;
  #offset = 0;

  constructor(path: string) {
    this.#path = path;
  }

  read(): string {
    if (!existsSync(this.#path)) return '';
    const fd = openSync(this.#path, 'r');
    try {
      const chunks: Buffer[] = [];
      const buf = Buffer.alloc(1 << 20);
      let n: number;
      while ((n = readSync(fd, buf, 0, buf.length, this.#offset)) > 0) {
        chunks.push(Buffer.from(buf.subarray(0, n)));
        this.#offset += n;
      }
      return Buffer.concat(chunks).toString('utf8');
    } finally {
      closeSync(fd);
    }
  }
}
