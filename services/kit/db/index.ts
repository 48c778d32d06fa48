// The service kit's SQL layer: one interface over embedded PostgreSQL (PGlite) and real PostgreSQL
// (`pg`). Row values look the same on both (see parsers.ts): int8 -> number, numeric -> string,
// date -> 'YYYY-MM-DD', timestamptz -> Date, jsonb -> value. Money: integer cents in bigint columns.
// Errors keep PostgreSQL's SQLSTATE in err.code on both (isUniqueViolation etc. in errors.ts).
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Database, OpenDatabaseOptions } from './types.ts';

export type { Database, OpenDatabaseOptions, Queryable } from './types.ts';
export type { MigrationFile } from './migrate.ts';
export { isUniqueViolation, sqlState, violatedConstraint } from './errors.ts';
export { migrate, migrationFile, serviceTable } from './migrate.ts';

/** url => `pg` Pool; else PGlite at dataDir (created if missing); neither => in-memory PGlite. */
export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<Database> {
  if (opts.url) return openPostgres({ ...opts, url: opts.url });
  return openPglite(opts.dataDir);
}
