// The database a test gets, chosen by TEST_DATABASE (set per vitest project): a copy of the PGlite
// template (default project) or a fresh database on the test PostgreSQL server (`postgres` project).
// Store tests call only these helpers, so the same test code runs on both backends.
import path from 'node:path';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { inject, onTestFinished } from 'vitest';
import { migrate, openDatabase, type Database, type MigrationFile } from '../../services/kit/db/index.ts';
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

/**
 * Two connections to one fresh, migrated test database: what two replicas of a service see. On PGlite
 * one process owns the directory, so both are the same connection. Call inside a test: they are
 * closed when the test finishes.
 */
export async function openReplicaDatabases(
  service: string,
  migrations: string | readonly MigrationFile[],
): Promise<[Database, Database]> {
  const target = await testDatabaseTarget();
  const a = await openDatabase(target);
  const b = 'dataDir' in target ? a : await openDatabase(target);
  onTestFinished(async () => {
    await Promise.all([...new Set([a, b])].map((db) => db.close()));
  });
  await migrate(a, service, migrations);
  return [a, b];
}
