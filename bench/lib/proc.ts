// Child processes for the benchmarks: start, wait until they answer, read their memory and CPU from
// /proc, stop them. Every child is tracked so a failing or interrupted run still kills what it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const children = new Set<ChildProcess>();

process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(130);
  });
}

export interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** The last few KB the child wrote to stderr, for error messages. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Runs a TypeScript file with this Node (type stripping); stdout is discarded. */
export function startNode(file: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, [file, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(proc);
  let err = '';
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-4000);
  });
  proc.once('exit', () => children.delete(proc));
  return {
    pid: proc.pid as number,
    process: proc,
    stderr: () => err,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = once(proc, 'exit');
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls url until it answers 2xx; fails early if the child exits. */
export async function waitFor(url: string, child?: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.process.exitCode !== null) {
      throw new Error(`process for ${url} exited (${child.process.exitCode}):\n${child.stderr()}`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      async (r) => {
        await r.arrayBuffer();
        return r.ok;
      },
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms${child ? `:\n${child.stderr()}` : ''}`);
}

/** Resident set size in MiB (VmRSS). */
export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Load averages (1, 5, 15 min) and core count: other people share this machine. */
export function machineLoad(): { load1: number; load5: number; load15: number; cores: number } {
  const [load1, load5, load15] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return {
    load1: load1 ?? Number.NaN,
    load5: load5 ?? Number.NaN,
    load15: load15 ?? Number.NaN,
    cores: navigator.hardwareConcurrency,
  };
}

/** Parent pid and CPU ticks (utime, stime, cutime, cstime) of every process, from /proc. */
function processTable(): Map<number, { ppid: number; ticks: number[] }> {
  const out = new Map<number, { ppid: number; ticks: number[] }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(name), { ppid: Number(f[1]), ticks: [11, 12, 13, 14].map((i) => Number(f[i])) });
  }
  return out;
}

/**
 * CPU seconds of a process and all its descendants so far: the root's own and reaped children's
 * time (cutime/cstime) plus the live descendants' own time. For a PostgreSQL server: postmaster + backends.
 */
export function treeCpuSeconds(rootPid: number): number {
  const procs = processTable();
  const children = new Map<number, number[]>();
  for (const [pid, p] of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const root = procs.get(rootPid);
  if (!root) return Number.NaN;
  let ticks = root.ticks.reduce((a, b) => a + b, 0);
  const todo = [...(children.get(rootPid) ?? [])];
  while (todo.length) {
    const pid = todo.pop() as number;
    const p = procs.get(pid);
    if (!p) continue;
    ticks += (p.ticks[0] ?? 0) + (p.ticks[1] ?? 0);
    todo.push(...(children.get(pid) ?? []));
  }
  return ticks / CLOCK_TICKS;
}
