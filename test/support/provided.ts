// Values the global setups hand to test workers (vitest provide/inject).
declare module 'vitest' {
  interface ProvidedContext {
    /** Per-run directory holding the PGlite template and the per-test copies. */
    mmfPgliteRoot: string;
    /** Superuser URL of the PostgreSQL server started for the `postgres` project. */
    mmfPostgresAdminUrl: string;
  }
}

export const TEST_DATABASE_ENV = 'TEST_DATABASE';
export type TestDatabaseKind = 'pglite' | 'postgres';

export function testDatabaseKind(): TestDatabaseKind {
  const value = process.env[TEST_DATABASE_ENV] ?? 'pglite';
  if (value !== 'pglite' && value !== 'postgres') {
    throw new Error(`${TEST_DATABASE_ENV} must be pglite or postgres, got ${JSON.stringify(value)}`);
  }
  return value;
}
