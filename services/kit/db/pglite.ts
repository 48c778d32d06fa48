// Database on embedded PostgreSQL (PGlite, WebAssembly): the local default, one connection per process.
//
// Queries go to PGlite's wire-protocol entry point as named prepared statements, one call per statement
// (Bind, Describe, Execute, Sync; Parse only the first time a text is seen). PGlite's own query() sends
// six protocol messages in six calls and parses and plans the statement every time: measured here,
// 290-350 µs of CPU per statement against ~75 µs this way, and PGlite runs on the event loop.
// Parameters are sent as text with types left to the server, serialised as `pg` does (postgres.ts),
// so the same SQL behaves the same on both backends.
import { mkdir } from 'node:fs/promises';
import { PGlite, parse, protocol, type Results } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.ts';
import { sharedParsers } from './parsers.ts';
import { traceQuery } from './tracing.ts';
import { inTransactionScope, warnIfInsideOwnTransaction } from './transaction-scope.ts';
import type { Database, QueryResult, Transaction } from './types.ts';

const AFFECTING_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);
/** Prepared statements kept per connection; beyond it the cache starts over (a service uses ~50). */
const MAX_PREPARED = 500;
const { serialize } = protocol;
const BEGIN = serialize.query('BEGIN');
/**
 * PGlite runs with fsync off (its default): what it promises is to survive the process being killed
 * (the saga's crash tests kill -9), not an OS crash. Full-page images in the WAL only protect pages
 * torn by an OS or power failure; a killed process cannot tear a write, so they cost WAL writes on
 * every commit and protect nothing PGlite keeps.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'full_page_writes=off'];

/** PGlite reports affectedRows for writes and 0 for SELECT; pg's rowCount semantics are wanted. */
function toResult<R>(result: Results<R>): QueryResult<R> {
  const command = result.command?.toUpperCase() ?? '';
  const rowCount = AFFECTING_COMMANDS.has(command) ? (result.affectedRows ?? 0) : result.rows.length;
  return { rows: result.rows, rowCount };
}

/** A PostgreSQL array literal, as `pg` writes one. */
function arrayLiteral(values: readonly unknown[]): string {
  const parts = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (Array.isArray(v)) return arrayLiteral(v);
    const text = toParam(v);
    const s = typeof text === 'string' ? text : `\\x${Buffer.from(text).toString('hex')}`;
    return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${parts.join(',')}}`;
}

/** A parameter in text form (binary for bytes), following pg's prepareValue. */
function toParam(v: unknown): string | Uint8Array {
  if (typeof v === 'string') return v;
  if (typeof v !== 'object') return String(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return arrayLiteral(v);
  return JSON.stringify(v);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** One PGlite connection: a queue (one statement or transaction at a time) and its prepared statements. */
class Connection {
  private readonly pg: PGlite;
  private readonly prepared = new Map<string, string>();
  private counter = 0;
  private tail: Promise<unknown> = Promise.resolve();
  /** Set by transaction(): BEGIN goes out in the same call as the transaction's first statement. */
  private beginPending = false;

  constructor(pg: PGlite) {
    this.pg = pg;
  }

  /** Runs fn when everything queued before it has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    let name = this.prepared.get(sql);
    const parts: Uint8Array[] = [];
    if (name === undefined && this.prepared.size >= MAX_PREPARED) await this.forget();
    if (this.beginPending) {
      parts.push(BEGIN);
      this.beginPending = false;
    }
    if (name === undefined) {
      name = `mmf_${++this.counter}`;
      parts.push(serialize.parse({ name, text: sql }));
    }
    const values = params.map((p) => (p === null || p === undefined ? null : toParam(p)));
    parts.push(
      serialize.bind({ statement: name, values }),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
    );
    let messages;
    try {
      ({ messages } = await this.pg.execProtocol(concat(parts), { syncToFs: false }));
    } catch (err) {
      // A prepared statement stays usable after its execution failed (a constraint, a bad value), except
      // when its plan went stale (a schema change): then it is parsed again, under a new name.
      if ((err as { code?: string }).code === '0A000') this.prepared.delete(sql);
      throw err;
    }
    this.prepared.set(sql, name);
    // With a pending BEGIN, its result comes first: the statement's is the last one.
    return toResult(parse.parseResults(messages, this.pg.parsers).at(-1) as Results<R>);
  }

  /** Multi-statement scripts (DDL, migrations) through the simple protocol; plans may change after them. */
  async exec(sql: string): Promise<void> {
    if (this.beginPending) {
      this.beginPending = false;
      await this.pg.execProtocol(BEGIN, { syncToFs: false });
    }
    await this.pg.exec(sql);
    await this.forget();
  }

  private async forget(): Promise<void> {
    if (!this.prepared.size) return;
    this.prepared.clear();
    await this.pg.execProtocol(serialize.query('DEALLOCATE ALL'), { syncToFs: false });
  }

  /** One PGlite call fewer per transaction: BEGIN travels with the first statement (query, exec). */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    this.beginPending = true;
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      if (this.beginPending) {
        this.beginPending = false; // nothing was sent: nothing to roll back
        throw err;
      }
      await this.query('ROLLBACK').catch(() => undefined); // the callback's error is the one to report
      throw err;
    }
    if (this.beginPending) {
      this.beginPending = false; // no statement ran: nothing to commit
      return result;
    }
    const commit = await this.pg.execProtocol(serialize.query('COMMIT'), { syncToFs: false });
    // COMMIT of a transaction in which a statement failed (and the error was caught) rolls back.
    if (parse.parseResults(commit.messages, this.pg.parsers)[0]?.command === 'ROLLBACK') {
      throw new Error('transaction rolled back: a statement in it failed');
    }
    return result;
  }
}

export async function openPglite(dataDir?: string): Promise<Database> {
  let unlock = async () => {};
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create({ dataDir, parsers: sharedParsers, startParams: START_PARAMS });
  } catch (err) {
    await unlock();
    throw err;
  }
  const conn = new Connection(pg);
  // Inside a transaction the connection is already ours: statements run directly, until it ends.
  const transaction = <T>(fn: (tx: Transaction) => Promise<T>): Promise<T> => {
    let open = true;
    const check = () => {
      if (!open) throw new Error('transaction is closed: use tx only inside its callback');
    };
    const tx: Transaction = {
      query: (sql, params) => (check(), traceQuery(sql, 'pglite', () => conn.query(sql, params))),
      exec: (sql) => (check(), traceQuery(sql, 'pglite', () => conn.exec(sql))),
    };
    return conn.transaction(async () => {
      try {
        return await inTransactionScope(db, () => fn(tx));
      } finally {
        open = false;
      }
    });
  };

  const db: Database = {
    kind: 'pglite',
    query(sql, params) {
      warnIfInsideOwnTransaction(db, 'pglite');
      return traceQuery(sql, 'pglite', () => conn.exclusive(() => conn.query(sql, params)));
    },
    exec(sql) {
      warnIfInsideOwnTransaction(db, 'pglite');
      return traceQuery(sql, 'pglite', () => conn.exclusive(() => conn.exec(sql)));
    },
    transaction(fn) {
      warnIfInsideOwnTransaction(db, 'pglite');
      // One connection: other queries and transactions wait until this one ends.
      return conn.exclusive(() => transaction(fn));
    },
    async close() {
      await conn.exclusive(async () => {
        if (!pg.closed) await pg.close();
      });
      await unlock();
    },
  };
  return db;
}
