// Idempotency keys in the service's own database, shared by its replicas (PGlite or PostgreSQL).
// One row per (scope, key): the request's fingerprint, who is executing it (owner + a lease the
// executor renews while it runs), what it created (resource) and, once final, the stored response.
//
//   no row / expired row        -> execute (the row is claimed with a fresh lease)
//   other fingerprint           -> mismatch (422)
//   stored response             -> replay it
//   lease live                  -> in flight (409 + Retry-After)
//   lease expired, no response  -> execute again, "resumed", with the resource the first attempt bound
//
// Every decision is one conditional statement evaluated by the database clock, so replicas racing
// for a key agree without locks held across requests.
import { randomUUID } from 'node:crypto';
import type { Database, MigrationFile, Queryable } from '../db/index.ts';
import { migrationFile, serviceTable } from '../db/index.ts';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  /** The exact JSON text sent the first time (null when there was no body). */
  body: string | null;
}

export type Begin =
  | { kind: 'execute'; owner: string; resumed: boolean; resource: string | null }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_flight'; retryAfterMs: number }
  | { kind: 'mismatch' };

export interface IdempotencyTiming {
  /** How long an executing request holds its key without renewing it (it renews every third of it). */
  leaseMs: number;
  /** How long a key is remembered after its first request. */
  retentionMs: number;
}

/** The kit's own migrations for a service: its idempotency table. */
export function idempotencyMigrations(service: string): MigrationFile[] {
  const t = idempotencyTable(service);
  return [
    migrationFile(
      '001_idempotency_keys.sql',
      `-- Idempotency keys (services/kit/idempotency): one row per (scope, key).
CREATE TABLE ${t} (
  scope        text NOT NULL,
  key          text NOT NULL,
  fingerprint  text NOT NULL,
  owner        text NOT NULL,
  locked_until timestamptz,
  resource     text,
  status       integer,
  headers      jsonb,
  body         text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX ${t}_expiry ON ${t} (expires_at);
`,
    ),
  ];
}

export const idempotencyTable = (service: string): string => serviceTable(service, 'idempotency_keys');

const secs = (ms: number): number => ms / 1000;

interface Row {
  fingerprint: string;
  owner: string;
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
  resource: string | null;
  expired: boolean;
  locked_ms: number;
}

export class IdempotencyStore {
  private readonly db: Database;
  private readonly table: string;
  readonly timing: IdempotencyTiming;

  constructor(db: Database, service: string, timing: IdempotencyTiming) {
    this.db = db;
    this.table = idempotencyTable(service);
    this.timing = timing;
  }

  /** Decides what a request with this key does; an 'execute' answer holds the key for `owner`. */
  async begin(scope: string, key: string, fingerprint: string): Promise<Begin> {
    const owner = randomUUID();
    const { leaseMs, retentionMs } = this.timing;
    // A row that changes between our read and our conditional update was taken by another request:
    // read it again (a few rounds; then the caller is told to come back).
    for (let round = 0; round < 3; round++) {
      const inserted = await this.db.query(
        `INSERT INTO ${this.table} (scope, key, fingerprint, owner, locked_until, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::double precision), now() + make_interval(secs => $6::double precision))
         ON CONFLICT (scope, key) DO NOTHING RETURNING 1`,
        [scope, key, fingerprint, owner, secs(leaseMs), secs(retentionMs)],
      );
      if (inserted.rowCount === 1) return { kind: 'execute', owner, resumed: false, resource: null };

      const row = await this.read(scope, key);
      if (!row) continue; // purged meanwhile
      if (row.expired) {
        // Forgotten: the key starts a new life with this request.
        const renewed = await this.db.query(
          `UPDATE ${this.table} SET fingerprint = $3, owner = $4, locked_until = now() + make_interval(secs => $5::double precision),
             resource = NULL, status = NULL, headers = NULL, body = NULL, created_at = now(),
             expires_at = now() + make_interval(secs => $6::double precision)
           WHERE scope = $1 AND key = $2 AND expires_at <= now() RETURNING 1`,
          [scope, key, fingerprint, owner, secs(leaseMs), secs(retentionMs)],
        );
        if (renewed.rowCount === 1) return { kind: 'execute', owner, resumed: false, resource: null };
        continue;
      }
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.status !== null) {
        return {
          kind: 'replay',
          response: { status: row.status, headers: row.headers ?? {}, body: row.body },
        };
      }
      if (row.locked_ms > 0) return { kind: 'in_flight', retryAfterMs: row.locked_ms };
      // The executor died (or gave the key back): take over, keeping what it had bound.
      const taken = await this.db.query<{ resource: string | null }>(
        `UPDATE ${this.table} SET owner = $4, locked_until = now() + make_interval(secs => $5::double precision)
         WHERE scope = $1 AND key = $2 AND owner = $3 AND status IS NULL
           AND (locked_until IS NULL OR locked_until <= now())
         RETURNING resource`,
        [scope, key, row.owner, owner, secs(leaseMs)],
      );
      const resumed = taken.rows[0];
      if (resumed) return { kind: 'execute', owner, resumed: true, resource: resumed.resource };
    }
    return { kind: 'in_flight', retryAfterMs: 1000 };
  }

  private async read(scope: string, key: string): Promise<Row | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT fingerprint, owner, status, headers, body, resource, expires_at <= now() AS expired,
         CASE WHEN locked_until > now() THEN EXTRACT(EPOCH FROM locked_until - now()) * 1000 ELSE 0 END::float8 AS locked_ms
       FROM ${this.table} WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    return rows[0];
  }

  /** Renews the executor's lease; false when it no longer holds the key. */
  async heartbeat(scope: string, key: string, owner: string): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE ${this.table} SET locked_until = now() + make_interval(secs => $4::double precision)
       WHERE scope = $1 AND key = $2 AND owner = $3 AND status IS NULL`,
      [scope, key, owner, secs(this.timing.leaseMs)],
    );
    return r.rowCount === 1;
  }

  /**
   * Records what the execution created, inside the caller's transaction (`q`), so the resource and
   * its key are committed together or not at all. Throws when the key was taken over meanwhile.
   */
  async bind(q: Queryable, scope: string, key: string, owner: string, resource: string): Promise<void> {
    const r = await q.query(
      `UPDATE ${this.table} SET resource = $4 WHERE scope = $1 AND key = $2 AND owner = $3 AND status IS NULL`,
      [scope, key, owner, resource],
    );
    if (r.rowCount !== 1)
      throw new Error(`idempotency key ${scope}/${key} is no longer held by this request`);
  }

  /** Stores the final response; later requests with the key replay it. */
  async complete(scope: string, key: string, owner: string, response: StoredResponse): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE ${this.table} SET status = $4, headers = $5::jsonb, body = $6, locked_until = NULL
       WHERE scope = $1 AND key = $2 AND owner = $3 AND status IS NULL`,
      [scope, key, owner, response.status, JSON.stringify(response.headers), response.body],
    );
    return r.rowCount === 1;
  }

  /** Gives the key back without a response: the next request with it executes again (resumed). */
  async release(scope: string, key: string, owner: string): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET locked_until = now() WHERE scope = $1 AND key = $2 AND owner = $3 AND status IS NULL`,
      [scope, key, owner],
    );
  }

  /** Deletes up to `limit` expired keys that nothing holds; returns how many. */
  async purgeExpired(limit = 1000): Promise<number> {
    const r = await this.db.query(
      `DELETE FROM ${this.table} WHERE (scope, key) IN (
         SELECT scope, key FROM ${this.table}
         WHERE expires_at <= now() AND (status IS NOT NULL OR locked_until IS NULL OR locked_until <= now())
         LIMIT $1)`,
      [limit],
    );
    return r.rowCount;
  }
}
