// initdb costs seconds; copying an initialised, closed data dir costs a fraction of that. One template
// per test run is built on first use (a mkdir lock makes concurrent workers build it once) and every
// test gets its own copy.
import { access, cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { openDatabase } from '../../services/kit/db/index.ts';

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );
let fallbackRoot: string | undefined;

/** The per-run root from the global setup; a process-local temp dir outside vitest's setup. */
export async function pgliteRoot(): Promise<string> {
  const provided = inject('mmfPgliteRoot') as string | undefined;
  if (provided) return provided;
  fallbackRoot ??= await mkdtemp(path.join(os.tmpdir(), 'mmf-pglite-'));
  return fallbackRoot;
}

/** Path of the initialised template data dir under root, building it if nobody has yet. */
export async function ensurePgliteTemplate(root: string, timeoutMs = 120_000): Promise<string> {
  const template = path.join(root, 'template');
  const ready = () => exists(path.join(template, 'PG_VERSION')); // appears only by the atomic rename
  if (await ready()) return template;
  const lock = path.join(root, 'template.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await ready()) return template;
      if (Date.now() > deadline) {
        throw new Error(`PGlite template in ${root} not built within ${timeoutMs} ms`, { cause: err });
      }
      await sleep(100);
    }
  }
  try {
    if (await ready()) return template;
    const building = path.join(root, 'template.building');
    await rm(building, { recursive: true, force: true });
    const db = await openDatabase({ dataDir: building });
    await db.close();
    await rename(building, template);
    return template;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** A fresh PGlite data dir (an initialised copy of the template) for one test or one service process. */
export async function copyPgliteTemplate(): Promise<string> {
  const root = await pgliteRoot();
  const template = await ensurePgliteTemplate(root);
  const dir = path.join(await mkdtemp(path.join(root, 'db-')), 'data');
  await cp(template, dir, { recursive: true });
  return dir;
}
