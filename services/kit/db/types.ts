// The one SQL interface every store uses; implemented by PGlite (embedded) and by `pg` (real PostgreSQL).

export interface QueryResult<R> {
  rows: R[];
  /** Rows affected by INSERT/UPDATE/DELETE/MERGE, rows returned by SELECT, 0 for other statements. */
  rowCount: number;
}

export interface Queryable {
  query<R extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
}

/** What a transaction callback receives: queries plus multi-statement scripts (no parameters). */
export interface Transaction extends Queryable {
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs fn in one transaction (BEGIN/COMMIT, ROLLBACK on throw). On PGlite, transactions are
   * serialised (one connection). Inside fn use only `tx`: calling `db.query` there waits for the
   * transaction to end, which on PGlite never happens (deadlock).
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script without parameters (DDL, migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://... => real PostgreSQL through a `pg` Pool. */
  url?: string;
  /** PGlite data directory (created if missing). Neither url nor dataDir => in-memory PGlite. */
  dataDir?: string;
  /** `pg` pool size (default 10). */
  poolSize?: number;
  /** Shown in pg_stat_activity (postgres only). */
  applicationName?: string;
}
