// make up / make down / make status: the local stack from the command line.
import { SERVICE_NAMES } from '../../catalog/index.ts';
import { Stack } from './stack.ts';

const stack = new Stack();

async function table(): Promise<boolean> {
  const rows = await Promise.all(
    stack.services.map(async (n) => ({ n, url: stack.url(n), h: await stack.health(n), pid: stack.pid(n) })),
  );
  console.log(`${'service'.padEnd(12)}${'url'.padEnd(26)}${'pid'.padEnd(9)}health`);
  for (const r of rows)
    console.log(`${r.n.padEnd(12)}${r.url.padEnd(26)}${String(r.pid ?? '-').padEnd(9)}${r.h.status}`);
  return rows.every((r) => r.h.ready);
}

const command = process.argv[2];
try {
  if (command === 'up') {
    const started = Date.now();
    await stack.up();
    const ok = await table();
    console.log(
      `\n${stack.services.length} services up in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${stack.runDir}/logs`,
    );
    process.exitCode = ok ? 0 : 1;
  } else if (command === 'down') {
    await stack.down();
    console.log(`stopped: ${stack.services.join(', ')}`);
  } else if (command === 'status') {
    process.exitCode = (await table()) ? 0 : 1;
  } else {
    console.error(
      `usage: cli.ts up|down|status   (services: ${SERVICE_NAMES.join(', ')}; ports: <NAME>_PORT=...)`,
    );
    process.exitCode = 2;
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
