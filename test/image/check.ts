// make image-check: builds the image the way the Dockerfile says, without a Docker daemon (see
// build.ts), then runs it: every service starts from the compiled tree with the image's environment
// (NODE_ENV=production) and only the production node_modules, must get ready, and answers one
// business route; the order goes through inventory and payment, the storefront's recommendations
// through the ML advisor. Exit code 1 names the step that failed.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '../../catalog/index.ts';
import { Stack } from '../../tools/stack/stack.ts';
import { freePorts } from '../support/ports.ts';
import { buildImage, type BuiltImage } from './build.ts';
import { readDockerfile } from './dockerfile.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PRODUCT = 'SUP-LEASH-005';
const CUSTOMER = 'image-check-1';

function log(line: string): void {
  console.log(`image-check: ${line}`);
}

/** Nothing outside the image may lend a module: no node_modules above it, no devDependency in it. */
function assertProductionModulesOnly(image: BuiltImage): void {
  for (let dir = dirname(image.root); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules')))
      throw new Error(`${dir}/node_modules would leak into the image`);
  }
  const modules = readdirSync(join(image.workdir, 'node_modules'));
  for (const dev of ['typescript', 'vitest', 'eslint']) {
    if (modules.includes(dev)) throw new Error(`devDependency ${dev} is in the image's node_modules`);
  }
}

/** The runtime stage's USER as numbers (`USER 10100:10100`). */
function imageUser(): { uid: number; gid: number } {
  const user =
    readDockerfile(ROOT)
      .at(-1)
      ?.body.findLast((i) => i.op === 'USER')?.args ?? '';
  const [, uid, gid] = /^(\d+):(\d+)$/.exec(user.trim()) ?? [];
  if (!uid || !gid) throw new Error(`the runtime stage's USER is not numeric uid:gid: '${user}'`);
  return { uid: Number(uid), gid: Number(gid) };
}

// Run as the image's user: opens and reads every file under the directory it is given.
const READ_EVERY_FILE = `
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
const failed = [];
let files = 0;
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    try {
      if (e.isDirectory()) walk(path);
      else if (e.isFile()) { const fd = openSync(path, 'r'); readSync(fd, Buffer.alloc(1)); closeSync(fd); files++; }
    } catch (err) { failed.push(path + ': ' + err.code); }
  }
};
walk(process.argv[1]);
console.log(JSON.stringify({ files, failed: failed.slice(0, 10), failures: failed.length }));
`;

/**
 * Docker's COPY (no --chown) leaves the files root's, and the container runs as the Dockerfile's
 * USER (a uid above 10000 that owns nothing). As root, this reads every file of the image as that
 * uid:gid for real; as anyone else it can only check that every file is world-readable and every
 * directory world-searchable (the "other" bits are all that uid has).
 */
function assertReadableByTheImageUser(image: BuiltImage, work: string): string {
  const { uid, gid } = imageUser();
  if (process.getuid?.() !== 0)
    return `${checkOtherBits(image.workdir)} files world-readable (not root: mode bits only)`;
  // The temporary directories above the image's WORKDIR are root's 0700: let its user through.
  for (let dir = dirname(image.workdir); dir.startsWith(work); dir = dirname(dir)) chmodSync(dir, 0o755);
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', READ_EVERY_FILE, image.workdir], {
    uid,
    gid,
    encoding: 'utf8',
  });
  const result = JSON.parse(run.stdout || '{}') as { files?: number; failed?: string[]; failures?: number };
  if (run.status !== 0 || result.failures !== 0 || !result.files) {
    throw new Error(
      `as uid ${uid}:${gid}, ${result.failures ?? '?'} files unreadable: ${(result.failed ?? []).join(', ')} ${run.stderr}`,
    );
  }
  return `${result.files} files read as the image's USER ${uid}:${gid}`;
}

function checkOtherBits(root: string): number {
  const unreadable: string[] = [];
  let files = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const mode = lstatSync(path).mode;
      if (entry.isDirectory()) {
        if ((mode & 0o005) !== 0o005) unreadable.push(`${path}/ (${(mode & 0o777).toString(8)})`);
        walk(path);
      } else if (!entry.isSymbolicLink()) {
        files++;
        if ((mode & 0o004) === 0) unreadable.push(`${path} (${(mode & 0o777).toString(8)})`);
      }
    }
  };
  walk(root);
  if (unreadable.length > 0)
    throw new Error(`not readable by the image's USER: ${unreadable.slice(0, 10).join(', ')}`);
  return files;
}

/** The service name replaces the one in the image's CMD (`node build/services/<name>/main.js`). */
function entryOf(image: BuiltImage): (name: ServiceName) => string {
  const [program, script = ''] = image.cmd;
  const match = /^(.*\/services\/)[^/]+(\/main\.js)$/.exec(script);
  if (program !== 'node' || !match) throw new Error(`unexpected CMD ${JSON.stringify(image.cmd)}`);
  return (name) => join(image.workdir, `${match[1]}${name}${match[2]}`);
}

async function request(stack: Stack, name: ServiceName, path: string, init: RequestInit = {}) {
  const res = await fetch(`${stack.url(name)}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', 'x-correlation-id': 'TXN-IMAGE-CHECK' },
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body };
}

function expectStatus(name: string, got: { status: number; body: unknown }, want: number): void {
  if (got.status !== want) {
    throw new Error(`${name}: expected ${want}, got ${got.status} ${JSON.stringify(got.body)}`);
  }
  log(`${name} -> ${got.status}`);
}

/** One business route per service. */
async function exercise(stack: Stack): Promise<void> {
  const order = await request(stack, 'order', '/orders', {
    method: 'POST',
    body: JSON.stringify({ customer_id: CUSTOMER, items: [{ product_id: PRODUCT, quantity: 1 }] }),
  });
  expectStatus('order POST /orders', order, 201);
  if (order.body.status !== 'confirmed')
    throw new Error(`order not confirmed: ${JSON.stringify(order.body)}`);
  const payments = await request(stack, 'payment', `/payments?order_id=${String(order.body.order_id)}`);
  expectStatus('payment GET /payments', payments, 200);
  if (!Array.isArray(payments.body.payments) || payments.body.payments.length === 0)
    throw new Error(`payment has no payment for ${String(order.body.order_id)}`);
  expectStatus('inventory GET /stock/:sku', await request(stack, 'inventory', `/stock/${PRODUCT}`), 200);
  expectStatus(
    'ml-advisor GET /recommend/user/:id',
    await request(stack, 'ml-advisor', `/recommend/user/${CUSTOMER}`),
    200,
  );
  const recs = await request(stack, 'petstore', `/recommendations?customer_id=${CUSTOMER}&max_results=3`);
  expectStatus('petstore GET /recommendations', recs, 200);
  if (recs.body.fallback_used !== false)
    throw new Error(`petstore did not reach the ML advisor: ${JSON.stringify(recs.body)}`);
}

async function run(image: BuiltImage, runDir: string): Promise<void> {
  const services = SERVICE_NAMES.filter((n) => existsSync(entryOf(image)(n)));
  if (services.length !== SERVICE_NAMES.length) {
    throw new Error(`compiled services: ${services.join(', ')}; expected ${SERVICE_NAMES.join(', ')}`);
  }
  const ports = await freePorts(services.length);
  const stack = new Stack({
    runDir,
    services,
    ports: Object.fromEntries(services.map((n, i) => [n, ports[i]])),
    entry: entryOf(image),
    cwd: image.workdir,
    // The image's environment; only the listen address and the dev-stack switches are changed.
    env: { ...image.env, HOST: '127.0.0.1', FAULT_HEADERS_ENABLED: 'false', ADMIN_ENABLED: 'false' },
  });
  try {
    await stack.up();
    log(`${services.length} services ready (NODE_ENV=${image.env.NODE_ENV ?? 'unset'})`);
    await exercise(stack);
  } finally {
    await stack.down();
  }
}

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'mmf-image-check-'));
try {
  const image = buildImage(ROOT, readDockerfile(ROOT), join(work, 'image'), log);
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assertProductionModulesOnly(image);
  log(assertReadableByTheImageUser(image, work));
  await run(image, join(work, 'run'));
  log(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error(`image-check FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  if (!process.env.IMAGE_CHECK_KEEP) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}
