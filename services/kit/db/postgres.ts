// Database on a real PostgreSQL through a `pg` Pool (cluster, replicas sharing state).
import pg from 'pg';
import { sharedParsers } from './parsers.ts';
import { traceQuery } from './tracing.ts';
import { inTransactionScope, warnIfInsideOwnTransaction } from './transaction-scope.ts';
import type { Database, OpenDatabaseOptions, QueryResult, Transaction } from './types.ts';

/** pg's global parsers untouched; this pool's clients read int8/date/timestamp like PGlite does. */
const types = {
  getTypeParser(oid: number, format?: string): unknown {
    const shared = sharedParsers[oid];
    if (shared && format !== 'binary') return shared;
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
} as pg.CustomTypesConfig;

function toResult<R>(result: pg.QueryResult): QueryResult<R> {
  return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
}

function queryOn<R>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) {
  return traceQuery(sql, 'pg', async () =>
    toResult<R>(await client.query(sql, params ? [...params] : undefined)),
  );
}

export async function openPostgres(opts: OpenDatabaseOptions & { url: string }): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    types,
    application_name: opts.applicationName,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its server emits 'error' on the pool; unhandled it would end the process.
  pool.on('error', (err) => {
    process.emitWarning(`postgres pool: idle client error: ${err.message}`, { code: 'MMF_DB_POOL' });
  });
  // Fail at start, naming the problem, rather than on the first request.
  const probe = await pool.connect().catch(async (err: Error) => {
    await pool.end();
    throw new Error(`cannot connect to PostgreSQL at ${redact(opts.url)}: ${err.message}`, { cause: err });
  });
  probe.release();

  const db: Database = {
    kind: 'postgres',
    query(sql, params) {
      warnIfInsideOwnTransaction(db, 'postgres');
      return queryOn(pool, sql, params);
    },
    async exec(sql) {
      warnIfInsideOwnTransaction(db, 'postgres');
      await traceQuery(sql, 'pg', () => pool.query(sql)); // no parameters => simple protocol, several statements allowed
    },
    async transaction(fn) {
      warnIfInsideOwnTransaction(db, 'postgres');
      const client = await pool.connect();
      const tx: Transaction = {
        query: (sql, params) => queryOn(client, sql, params),
        exec: async (sql) => {
          await traceQuery(sql, 'pg', () => client.query(sql));
        },
      };
      try {
        await client.query('BEGIN');
        const result = await inTransactionScope(db, () => fn(tx));
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch (rollbackErr) {
          client.release(rollbackErr as Error); // broken connection: drop it from the pool
        }
        throw err;
      }
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
  return db;
}

/** The URL without its password, for error messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}
