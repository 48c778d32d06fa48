// The reports the tools write (demo, canary, chaos): one naming rule and one way to write them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `<prefix>_YYYYMMDD_HHMMSS` after `at` in local time, as the petstore document names its reports. */
export function timestampedName(prefix: string, at: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const day = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}`;
  return `${prefix}_${day}_${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
}

/** Writes `value` as `<dir>/<base>.json`, never over an earlier report: a second run in the same second gets `_2`. */
export async function writeNewJson(dir: string, base: string, value: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (let n = 1; ; n++) {
    const path = join(dir, `${base}${n === 1 ? '' : `_${n}`}.json`);
    try {
      await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { flag: 'wx' });
      return path;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
  }
}
