// PGlite is one in-process PostgreSQL: two processes opening the same data directory corrupt it.
// A pid file inside the directory makes the second opener fail with a clear message; a file left by
// a killed process (pid no longer alive) is taken over, so kill -9 + restart still works.
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

export const LOCK_FILE = 'mmf-owner.pid';
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory for this process; resolves to the function that gives it back. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, LOCK_FILE);
  if (heldHere.has(dir)) throw new Error(`PGlite data dir ${dir} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      heldHere.add(dir);
      return async () => {
        heldHere.delete(dir);
        await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `PGlite data dir ${dir} is in use by process ${owner}; stop it or set DATA_DIR to another directory`,
          { cause: err },
        );
      }
      await rm(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`could not lock PGlite data dir ${dir}`);
}
