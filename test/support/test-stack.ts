// The local stack for end-to-end tests: real service processes on free ports, in a temporary run
// directory that is removed afterwards, so tests never collide with a developer's `make up`.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceName } from '../../catalog/index.ts';
import { Stack, type StackOptions } from '../../tools/stack/stack.ts';
import { freePorts } from './ports.ts';

export interface TestStack {
  stack: Stack;
  /** Stops every service and removes the run directory. */
  close(): Promise<void>;
}

export async function startTestStack(
  services: ServiceName[],
  opts: Omit<StackOptions, 'runDir' | 'ports' | 'services'> = {},
): Promise<TestStack> {
  const ports = await freePorts(services.length);
  const runDir = await mkdtemp(join(tmpdir(), 'mmf-e2e-'));
  const stack = new Stack({
    ...opts,
    runDir,
    services,
    ports: Object.fromEntries(services.map((n, i) => [n, ports[i]])),
  });
  await stack.up();
  return {
    stack,
    async close() {
      await stack.down();
      await rm(runDir, { recursive: true, force: true });
    },
  };
}

export interface AuditLine {
  time: string;
  service: string;
  event: string;
  correlation_id: string;
  trace_id?: string;
  audit?: boolean;
  [field: string]: unknown;
}

/** The audit lines a service process wrote to its log. */
export async function auditLines(stack: Stack, name: ServiceName): Promise<AuditLine[]> {
  return (await readFile(stack.logFile(name), 'utf8'))
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as AuditLine)
    .filter((l) => l.audit === true);
}
