// PGlite-only behaviour: persistence in a data directory, the single-owner lock, in-memory mode.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyPgliteTemplate } from '../../../test/support/pglite-template.ts';
import { LOCK_FILE } from './data-dir-lock.ts';
import { migrate, openDatabase, type Database } from './index.ts';

const opened: Database[] = [];
async function open(dataDir?: string): Promise<Database> {
  const db = await openDatabase({ dataDir });
  opened.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

describe('PGlite data directory', () => {
  it('keeps committed data across close and reopen', async () => {
    const dir = await copyPgliteTemplate();
    const first = await open(dir);
    expect(first.kind).toBe('pglite');
    await first.exec('CREATE TABLE kept (id int PRIMARY KEY, note text)');
    await first.transaction((tx) => tx.query('INSERT INTO kept VALUES ($1, $2)', [1, 'survives']));
    await first.close();
    const second = await open(dir);
    expect((await second.query('SELECT * FROM kept')).rows).toEqual([{ id: 1, note: 'survives' }]);
  });

  it('gives each template copy its own database', async () => {
    const a = await open(await copyPgliteTemplate());
    const b = await open(await copyPgliteTemplate());
    await a.exec('CREATE TABLE only_in_a (id int)');
    const { rows } = await b.query("SELECT to_regclass('only_in_a') AS t");
    expect(rows).toEqual([{ t: null }]);
  });

  it('creates a missing data directory and applies migrations once across restarts', async () => {
    const dir = path.join(path.dirname(await copyPgliteTemplate()), 'fresh', 'nested');
    const migrations = path.join(path.dirname(dir), 'migrations');
    await rm(dir, { recursive: true, force: true });
    await mkdir(migrations, { recursive: true });
    await writeFile(path.join(migrations, '001_t.sql'), 'CREATE TABLE t (id int);');
    const first = await open(dir);
    expect(await migrate(first, 'order', migrations)).toEqual(['001_t.sql']);
    await first.close();
    const second = await open(dir);
    expect(await migrate(second, 'order', migrations)).toEqual([]);
  }, 60_000);

  it('refuses a second opener of the same directory and releases it on close', async () => {
    const dir = await copyPgliteTemplate();
    const db = await open(dir);
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/already open in this process/);
    expect(await readFile(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await db.close();
    await expect(readFile(path.join(dir, LOCK_FILE))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a directory owned by another live process, takes over one left by a dead process', async () => {
    const dir = await copyPgliteTemplate();
    await writeFile(path.join(dir, LOCK_FILE), `${process.ppid}\n`);
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(`in use by process ${process.ppid}`);
    await writeFile(path.join(dir, LOCK_FILE), '2147483646\n'); // no such pid: a kill -9'd owner
    const db = await open(dir);
    expect((await db.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});

describe('PGlite crash safety', () => {
  it('runs with fsync off and no full-page images: durable across a killed process, not an OS crash', async () => {
    const db = await open(await copyPgliteTemplate());
    const setting = async (name: string) =>
      (await db.query<{ setting: string }>('SELECT setting FROM pg_settings WHERE name = $1', [name])).rows[0]
        ?.setting;
    expect(await setting('fsync')).toBe('off');
    expect(await setting('full_page_writes')).toBe('off');
    // Everything else as PGlite sets it up (postgresql.conf is left alone).
    expect(await setting('TimeZone')).toBe('UTC');
  });

  it('keeps every acknowledged commit when the process is killed with SIGKILL, and reopens', async () => {
    const dir = await copyPgliteTemplate();
    const child = spawn(
      process.execPath,
      [path.join(import.meta.dirname, '../../../test/fixtures/commit-forever.ts'), dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let acked = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      acked = Math.max(acked, ...chunk.toString().trim().split('\n').map(Number));
      if (acked >= 50) child.kill('SIGKILL');
    });
    const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');
    const db = await open(dir); // the dead owner's lock file is taken over
    const { rows } = await db.query<{ n: number; max: number }>(
      'SELECT count(*) AS n, max(id) AS max FROM crash_log',
    );
    expect(rows[0]?.n).toBeGreaterThanOrEqual(acked);
    expect(rows[0]?.max).toBe(rows[0]?.n); // no gaps: committed in order, nothing half-written
  }, 60_000);
});
