// Database on embedded PostgreSQL (PGlite, WebAssembly): the local default, one connection per process.
import { mkdir } from 'node:fs/promises';
import { PGlite, type Results } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.ts';
import { sharedParsers } from './parsers.ts';
import { traceQuery } from './tracing.ts';
import { inTransactionScope, warnIfInsideOwnTransaction } from './transaction-scope.ts';
import type { Database, QueryResult, Transaction } from './types.ts';

const AFFECTING_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** PGlite reports affectedRows for writes and 0 for SELECT; pg's rowCount semantics are wanted. */
function toResult<R>(result: Results<R>): QueryResult<R> {
  const command = result.command?.toUpperCase() ?? '';
  const rowCount = AFFECTING_COMMANDS.has(command) ? (result.affectedRows ?? 0) : result.rows.length;
  return { rows: result.rows, rowCount };
}

interface PgliteQueryTarget {
  query<R>(sql: string, params?: unknown[]): Promise<Results<R>>;
  exec(sql: string): Promise<unknown>;
}

function runQuery<R>(target: PgliteQueryTarget, sql: string, params?: readonly unknown[]) {
  return traceQuery(sql, async () => toResult(await target.query<R>(sql, params ? [...params] : undefined)));
}

function runExec(target: PgliteQueryTarget, sql: string) {
  return traceQuery(sql, async () => {
    await target.exec(sql);
  });
}

export async function openPglite(dataDir?: string): Promise<Database> {
  let unlock = async () => {};
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create({ dataDir, parsers: sharedParsers });
  } catch (err) {
    await unlock();
    throw err;
  }

  const db: Database = {
    kind: 'pglite',
    query(sql, params) {
      warnIfInsideOwnTransaction(db, 'pglite');
      return runQuery(pg, sql, params);
    },
    exec(sql) {
      warnIfInsideOwnTransaction(db, 'pglite');
      return runExec(pg, sql);
    },
    transaction(fn) {
      warnIfInsideOwnTransaction(db, 'pglite');
      // PGlite's own transaction() holds its transaction mutex: other queries and transactions wait.
      return pg.transaction((raw) => {
        const tx: Transaction = {
          query: (sql, params) => runQuery(raw, sql, params),
          exec: (sql) => runExec(raw, sql),
        };
        return inTransactionScope(db, () => fn(tx));
      });
    },
    async close() {
      if (!pg.closed) await pg.close();
      await unlock();
    },
  };
  return db;
}
