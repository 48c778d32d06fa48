// Global setup of the `postgres` vitest project: starts a real PostgreSQL server for the run and stops
// it afterwards. A server that cannot start fails the run with the reason (the tests are never skipped).
import type { TestProject } from 'vitest/node';
import { startPostgresServer } from './postgres-server.ts';
import './provided.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const server = await startPostgresServer();
  console.info(`test PostgreSQL on 127.0.0.1:${server.port} (started in ${Date.now() - started} ms)`);
  project.provide('mmfPostgresAdminUrl', server.adminUrl);
  return () => server.stop();
}
