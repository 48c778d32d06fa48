// The test PostgreSQL server helper: it answers, and neither stop() nor a dead test run leaves a process.
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  findPostgresBin,
  isRunning,
  reapStaleServers,
  startPostgresServer,
  type PostgresServer,
} from './postgres-server.ts';

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

async function postmasterPid(server: PostgresServer): Promise<number> {
  const text = await readFile(path.join(server.dir, 'data', 'postmaster.pid'), 'utf8');
  return Number.parseInt(text, 10);
}

async function select1(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT current_user AS who, inet_server_addr()::text AS addr')).rows[0];
  } finally {
    await client.end();
  }
}

let server: PostgresServer | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.stop();
  server = undefined;
});

describe('test PostgreSQL server', () => {
  it('listens on 127.0.0.1 with trust auth and stops without leaving a process or files', async () => {
    server = await startPostgresServer();
    expect(await select1(server.adminUrl)).toEqual({ who: 'postgres', addr: '127.0.0.1/32' });
    const pid = await postmasterPid(server);
    expect(await isRunning(pid)).toBe(true);
    const { dir } = server;
    await server.stop();
    server = undefined;
    expect(await isRunning(pid)).toBe(false);
    expect(await exists(dir)).toBe(false);
  });

  it('reaps a server whose test run died before its teardown', async () => {
    server = await startPostgresServer();
    const pid = await postmasterPid(server);
    await writeFile(path.join(server.dir, 'owner.pid'), '2147483646\n'); // an owner that no longer exists
    await reapStaleServers();
    expect(await isRunning(pid)).toBe(false);
    expect(await exists(server.dir)).toBe(false);
    server = undefined;
  });

  it('fails with a message that says how to install PostgreSQL when the binaries are missing', async () => {
    vi.stubEnv('PG_BIN', '/nonexistent/bin');
    await expect(findPostgresBin()).rejects.toThrow(/tools\/install-system.sh/);
    await expect(startPostgresServer()).rejects.toThrow(/PostgreSQL server binaries not found/);
  });
});
