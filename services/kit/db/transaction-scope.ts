// Remembers which database's transaction the current async context is inside, to warn about
// `db.query` called inside `db.transaction` (a deadlock on PGlite, a query outside the transaction on pg).
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<object>();
const warned = new WeakSet<object>();

export function inTransactionScope<T>(db: object, fn: () => Promise<T>): Promise<T> {
  return scope.run(db, fn);
}

export function warnIfInsideOwnTransaction(db: object, kind: string): void {
  if (scope.getStore() !== db || warned.has(db)) return;
  warned.add(db);
  process.emitWarning(
    `db.query/db.transaction called inside a ${kind} transaction callback: use the tx argument` +
      (kind === 'pglite' ? ' (PGlite waits for the open transaction: a deadlock if awaited)' : ''),
    { code: 'MMF_DB_NESTED_QUERY' },
  );
}
