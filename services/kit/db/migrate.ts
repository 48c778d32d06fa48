// Schema migrations: NNN_name.sql files applied in order, once each, recorded per service in
// <service>_schema_migrations. All pending files run in ONE transaction under an advisory lock, so
// replicas starting together apply each file exactly once and a failing file leaves nothing behind.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from './types.ts';

const MIGRATION_FILE = /^(\d{3,})_[A-Za-z0-9_-]+\.sql$/;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/**
 * A table of `service`, prefixed so that services sharing one database never collide:
 * (`order-service`, `schema_migrations`) -> `order_service_schema_migrations`. A plain identifier,
 * no quoting surprises.
 */
export function serviceTable(service: string, suffix: string): string {
  const base = service.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z]/.test(base) || base.length > 40) {
    throw new Error(`service name ${JSON.stringify(service)} cannot name a table`);
  }
  return `${base}_${suffix}`;
}

export const migrationsTable = (service: string): string => serviceTable(service, 'schema_migrations');

/** A migration given as text (e.g. a kit table whose name depends on the service). */
export function migrationFile(name: string, sql: string): MigrationFile {
  if (!MIGRATION_FILE.test(name))
    throw new Error(`migration ${name}: name must look like 001_create_orders.sql`);
  return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
}

export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const names = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql')).sort();
  const seen = new Map<string, string>();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const match = MIGRATION_FILE.exec(name);
    if (!match)
      throw new Error(`migration ${name} in ${migrationsDir}: name must look like 001_create_orders.sql`);
    const number = String(Number(match[1]));
    const clash = seen.get(number);
    if (clash)
      throw new Error(`migrations ${clash} and ${name} in ${migrationsDir} share the number ${match[1]}`);
    seen.set(number, name);
    files.push(migrationFile(name, await readFile(path.join(migrationsDir, name), 'utf8')));
  }
  return files.sort((a, b) => Number.parseInt(a.name, 10) - Number.parseInt(b.name, 10));
}

/**
 * Applies the pending migrations of `service` (a directory of files, or the files themselves);
 * returns the names applied (empty when up to date).
 */
export async function migrate(
  db: Database,
  service: string,
  source: string | readonly MigrationFile[],
): Promise<string[]> {
  const table = migrationsTable(service);
  const files = typeof source === 'string' ? await readMigrations(source) : source;
  return db.transaction(async (tx) => {
    // Held until COMMIT/ROLLBACK; other replicas wait here, then find everything applied.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mmf-migrate:${table}`]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ name: string; checksum: string }>(
      `SELECT name, checksum FROM ${table}`,
    );
    const applied = new Map(rows.map((row) => [row.name, row.checksum]));
    const done: string[] = [];
    for (const file of files) {
      const checksum = applied.get(file.name);
      if (checksum !== undefined) {
        if (checksum !== file.checksum) {
          throw new Error(
            `migration ${file.name} of ${service} changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      try {
        await tx.exec(file.sql);
      } catch (err) {
        throw new Error(`migration ${file.name} of ${service} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      await tx.query(`INSERT INTO ${table} (name, checksum) VALUES ($1, $2)`, [file.name, file.checksum]);
      done.push(file.name);
    }
    return done;
  });
}
