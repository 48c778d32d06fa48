// Background processes that outlive the command that started them (make up, make control-plane):
// detached, output appended to a log file, pid in a pid file. Stopping reads the pid file and signals
// only that pid, and only while it still runs the command that was started, so a stale pid file never
// hits a process that happens to reuse the number.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DaemonSpec {
  command: string;
  args: string[];
  pidFile: string;
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** The command line of a running process, or undefined when there is none (Linux /proc). */
function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/**
 * The pid recorded in pidFile while that process is alive (and, when `command` is given, still runs
 * that executable); undefined otherwise.
 */
export function runningPid(pidFile: string, command?: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  if (command === undefined) return pid;
  const argv = commandLine(pid);
  return argv?.[0] === command ? pid : undefined;
}

/** Starts the command detached from this process; returns its pid. */
export function startDaemon(spec: DaemonSpec): number {
  for (const file of [spec.pidFile, spec.logFile]) mkdirSync(dirname(file), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  writeFileSync(spec.pidFile, String(child.pid));
  return child.pid;
}

/** SIGTERM, then SIGKILL after graceMs; removes the pid file. Returns whether a process was stopped. */
export async function stopDaemon(pidFile: string, command?: string, graceMs = 15_000): Promise<boolean> {
  const pid = runningPid(pidFile, command);
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (runningPid(pidFile, command) !== undefined && Date.now() < deadline) await sleep(50);
    if (runningPid(pidFile, command) !== undefined) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
  return pid !== undefined;
}

/** The last lines of a log file, for error messages. */
export function tailFile(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
