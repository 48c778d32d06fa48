// make checkov: checkov (Kubernetes framework, pinned in .venv) on both profiles' synthesized dist/.
// Production must have 0 failed checks; kind may skip exactly the checks skips.yaml lists, each
// with its reason. One exception, shown on every run: while an image digest cannot be resolved
// (no registry reachable; see charts-src/config/images.ts), CKV_K8S_43 on a production workload
// whose image has no digest is reported as unresolved instead of failing, and only for those
// images: the same list `make image-pins` fails on.
// usage: node tools/checkov/run.ts <checkov> <dist-dir>
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { unpinnedImages } from '../../charts-src/config/images.ts';
import { PROFILES, type ProfileName } from '../../charts-src/config/profiles.ts';
import { profileImages } from '../../charts-src/images.ts';

const run = promisify(execFile);
const DIGEST_CHECK = 'CKV_K8S_43';

export type Skips = Record<ProfileName, Record<string, string>>;

export function readSkips(file = new URL('skips.yaml', import.meta.url)): Skips {
  const skips = parse(readFileSync(file, 'utf8')) as Skips;
  for (const name of Object.keys(PROFILES) as ProfileName[]) {
    for (const [check, reason] of Object.entries(skips[name] ?? {})) {
      if (!/^CKV_K8S_\d+$/.test(check))
        throw new Error(`skips.yaml ${name}: ${check} is not a checkov Kubernetes check id`);
      if (typeof reason !== 'string' || reason.trim().length < 20)
        throw new Error(`skips.yaml ${name}: ${check} needs its reason`);
    }
  }
  return skips;
}

export interface Failure {
  readonly check_id: string;
  readonly check_name: string;
  readonly resource: string;
  readonly file_path: string;
}
interface Report {
  summary: { passed: number; failed: number; skipped: number };
  results: { failed_checks: Failure[] };
}

/** The images of one checkov resource ("Kind.namespace.name") in the file it came from (checkov
 * names it relative to the directory it scanned). */
function imagesOf(scanned: string, failure: Failure): string[] {
  const [kind, , name] = failure.resource.split('.');
  const text = readFileSync(join(scanned, failure.file_path), 'utf8');
  const object = parseAllDocuments(text)
    .map((d) => d.toJSON() as { kind?: string; metadata?: { name?: string } } | null)
    .find((o) => o?.kind === kind && o?.metadata?.name === name);
  return [...JSON.stringify(object ?? {}).matchAll(/"image":"([^"]+)"/g)].map((m) => m[1] ?? '');
}

async function scan(checkov: string, dir: string, skips: string[]): Promise<Report> {
  const args = ['--framework', 'kubernetes', '-d', dir, '-o', 'json', '--compact'];
  if (skips.length) args.push('--skip-check', skips.join(','));
  // checkov exits 1 when a check fails; the report on stdout says which.
  const out = await run(checkov, args, { maxBuffer: 256 * 1024 * 1024 }).catch(
    (err: { stdout?: string; code?: number }) => {
      if (err.code === 1 && err.stdout) return { stdout: err.stdout };
      throw err;
    },
  );
  const parsed = JSON.parse(out.stdout) as Report | Report[];
  return Array.isArray(parsed) ? (parsed[0] as Report) : parsed;
}

/** Checks a deliberately broken workload must fail: proof that the scan reads our manifests. */
const MUST_CATCH = ['CKV_K8S_16', 'CKV_K8S_40'];

/** Production's order Deployment with a privileged container running as uid 0, alone in a folder. */
function brokenCopy(distDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmf-checkov-broken-'));
  const objects = parseAllDocuments(
    readFileSync(join(distDir, 'production/10-petstore.k8s.yaml'), 'utf8'),
  ).map(
    (d) => d.toJSON() as { kind: string; metadata: { name: string }; spec: any }, // eslint-disable-line @typescript-eslint/no-explicit-any
  );
  const order = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'order');
  if (!order) throw new Error('no Deployment order in dist/production');
  const container = order.spec.template.spec.containers[0];
  container.securityContext = { ...container.securityContext, privileged: true, runAsUser: 0 };
  writeFileSync(join(dir, 'broken.yaml'), stringify(order));
  return dir;
}

async function main(): Promise<void> {
  const [checkov, dist] = process.argv.slice(2);
  if (!checkov || !dist) throw new Error('usage: run.ts <checkov> <dist-dir>');
  // Absolute: checkov then names files relative to the folder it scanned ("/load/k6-....yaml").
  const distDir = resolve(dist);
  const skips = readSkips();
  const unpinned = unpinnedImages(profileImages(PROFILES.production));
  const names = Object.keys(PROFILES) as ProfileName[];
  const broken = brokenCopy(distDir);
  const [caught, ...reports] = await Promise.all([
    scan(checkov, broken, []),
    ...names.map((p) => scan(checkov, join(distDir, p), Object.keys(skips[p] ?? {}))),
  ]).finally(() => rmSync(broken, { recursive: true, force: true }));
  const missed = MUST_CATCH.filter((c) => !caught?.results.failed_checks.some((f) => f.check_id === c));
  let failed = 0;
  if (missed.length > 0) {
    console.error(`checkov did not fail a privileged, uid-0 copy of a workload on ${missed.join(', ')}`);
    failed++;
  }
  names.forEach((profile, i) => {
    const report = reports[i] as Report;
    const { passed, skipped } = report.summary;
    const unresolved = report.results.failed_checks.filter(
      (f) =>
        profile === 'production' &&
        f.check_id === DIGEST_CHECK &&
        imagesOf(join(distDir, profile), f).some((img) => unpinned.includes(img)),
    );
    const failures = report.results.failed_checks.filter((f) => !unresolved.includes(f));
    failed += failures.length;
    console.log(`checkov ${profile}: ${passed} passed, ${failures.length} failed, ${skipped} skipped inline`);
    for (const [check, reason] of Object.entries(skips[profile] ?? {}))
      console.log(`  skipped ${check}: ${reason}`);
    for (const f of failures)
      console.log(`  FAILED ${f.check_id} ${f.check_name}: ${f.resource} (${f.file_path})`);
    if (unresolved.length > 0) {
      console.log(
        `  NOT RESOLVED: ${DIGEST_CHECK} on ${unresolved.length} workloads whose images have no digest yet` +
          ` (${unpinned.join(', ')}): make pin-images where a registry is reachable; make image-pins lists them`,
      );
    }
  });
  if (failed > 0) {
    console.error(`checkov: ${failed} failed check(s)`);
    process.exitCode = 1;
  }
}

if (import.meta.main) await main();
