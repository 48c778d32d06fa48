// The database a test gets, chosen by TEST_DATABASE (set per vitest project): a copy of the PGlite
// template (default project) or a fresh database on the test PostgreSQL server (`postgres` project).
// Store tests call only these helpers, so the same test code runs on both backends.
import path from 'node:path';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../services/kit/db/index.ts';
import { copyPgliteTemplate } from './pglite-template.ts';
import { testDatabaseKind } from './provided.ts';

export type TestDatabaseTarget = { url: string } | { dataDir: string };

let counter = 0;

/** A new, empty database on the test PostgreSQL server; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = inject('mmfPostgresAdminUrl') as string | undefined;
  if (!adminUrl) {
    throw new Error(
      'no test PostgreSQL server: createTestDatabase() works in the `postgres` vitest project, whose global setup starts it',
    );
  }
  const name = `t_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Where a fresh test database lives: pass to openDatabase() (several times, e.g. replicas on postgres). */
export async function testDatabaseTarget(): Promise<TestDatabaseTarget> {
  return testDatabaseKind() === 'postgres'
    ? { url: await createTestDatabase() }
    : { dataDir: await copyPgliteTemplate() };
}

/** Environment for a service process under test: DATABASE_URL or DATA_DIR of a fresh database. */
export async function testDatabaseEnv(): Promise<Record<string, string>> {
  const target = await testDatabaseTarget();
  return 'url' in target ? { DATABASE_URL: target.url } : { DATA_DIR: target.dataDir };
}

/** A fresh, open test database; close() also removes a PGlite copy. */
export async function openTestDatabase(): Promise<Database> {
  const target = await testDatabaseTarget();
  const db = await openDatabase(target);
  if (!('dataDir' in target)) return db;
  return {
    ...db,
    async close() {
      await db.close();
      await rm(path.dirname(target.dataDir), { recursive: true, force: true });
    },
  };
}
