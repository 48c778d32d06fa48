// The CustomResourceDefinitions of the add-ons the charts use (Istio, prometheus-operator, VPA), at
// the releases tools/cluster/versions.env pairs with. They are never copied into this repository:
// they are read from the shared folder beside the checkout (../shared/crds, or $CRDS_DIR), or, where
// that folder is absent, downloaded from the upstream repositories at the recorded commits into
// build/crds. Either way every file must match the SHA-256 recorded here before it is applied.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface CrdFile {
  /** File name inside the release folder. */
  name: string;
  /** Path in the upstream repository at `commit`. */
  upstreamPath: string;
  sha256: string;
}

export interface CrdRelease {
  /** Folder name, e.g. istio-1.29.2. */
  dir: string;
  repo: string;
  tag: string;
  commit: string;
  files: CrdFile[];
}

const PROMETHEUS_OPERATOR_CRDS: [string, string][] = [
  ['alertmanagerconfigs', '3c4c0dcce6a55a22b712e3074762eb64825be3cbe02397fd4b4744a7ffa22f6b'],
  ['alertmanagers', '312dca1ef80000deb4483134878bec4073c941e811fb1587b6ff035b2e042034'],
  ['podmonitors', 'ea6b61ddacc221662bdea0842cbe41b257b6d5e8e4dd42c248d61fb834dee414'],
  ['probes', 'ef9eca05044efb735026f1b67beadea14dd8ec849ce89ff48040aecd81886943'],
  ['prometheusagents', '2cc5cc2ca12bf3bfd230e6331f3cf96dc2498221515d76177a5ea42b8a412409'],
  ['prometheuses', '6532375431ce42042ce31ecd94b28d0f3670305cfcfce5a4c51cd910678726c9'],
  ['prometheusrules', '0bf262a29779fb8ce67a16d4e86ef26c5c3818f3f0de1e9dd2c27ebcbcc16239'],
  ['scrapeconfigs', 'a1d80da7af5f70182c837bd0c482d601f61fc24513a2b11b20218e62aa28fec3'],
  ['servicemonitors', '77b50f32874196e4dc3ab72951a501df3a78ea16a6a34084564ef0bf3f4f23d6'],
  ['thanosrulers', '4c005955bbddb0587ff94760d3eea9d9e86622124e5ec03f41250573120fb4cf'],
];

export const CRD_RELEASES: CrdRelease[] = [
  {
    dir: 'istio-1.29.2',
    repo: 'istio/api',
    tag: 'v1.29.2',
    commit: 'a0e4e1cbfcc5e8cd8fc141108d16173aa07db04e',
    files: [
      {
        name: 'customresourcedefinitions.gen.yaml',
        upstreamPath: 'kubernetes/customresourcedefinitions.gen.yaml',
        sha256: '126c195eaa38471f70e482f25a4e033fafeff01ff524a86e0a8de22dfb46db2f',
      },
    ],
  },
  {
    dir: 'prometheus-operator-v0.86.0',
    repo: 'prometheus-operator/prometheus-operator',
    tag: 'v0.86.0',
    commit: '3e17d60e4821ed1da315788620dddb3ee50695e2',
    files: PROMETHEUS_OPERATOR_CRDS.map(([kind, sha256]) => ({
      name: `monitoring.coreos.com_${kind}.yaml`,
      upstreamPath: `example/prometheus-operator-crd/monitoring.coreos.com_${kind}.yaml`,
      sha256,
    })),
  },
  {
    dir: 'vpa-1.4.1',
    repo: 'kubernetes/autoscaler',
    tag: 'vertical-pod-autoscaler/v1.4.1',
    commit: '69eeed3cb2fdde4028307bd61341d9111af07c34',
    files: [
      {
        name: 'vpa-v1-crd-gen.yaml',
        upstreamPath: 'vertical-pod-autoscaler/deploy/vpa-v1-crd-gen.yaml',
        sha256: '893b556b1a92c38ac417369c61abe2dadea7dec3661b3c74a450b6e540287064',
      },
    ],
  },
];

export interface CrdLocation {
  /** Where the files were found or downloaded to. */
  root: string;
  source: 'shared' | 'download';
  /** Absolute paths of every CRD file, verified. */
  files: string[];
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function verify(path: string, expected: string): Promise<void> {
  const actual = sha256(await readFile(path));
  if (actual !== expected) {
    throw new Error(`${path}: SHA-256 ${actual} does not match the recorded ${expected}`);
  }
}

export interface CrdOptions {
  /** Repository root (for ../shared/crds and build/crds). */
  root: string;
  /** Overrides the shared folder ($CRDS_DIR). */
  sharedDir?: string;
  /** Base URL of the upstream file server ($CRDS_BASE_URL); files are at <base>/<repo>/<commit>/<path>. */
  baseUrl?: string;
  /** What to locate (default: every recorded release). */
  releases?: CrdRelease[];
}

/**
 * Every recorded CRD file, verified: from the shared folder when it exists, otherwise downloaded
 * (once) into build/crds. A file whose SHA-256 differs is an error, never applied.
 */
export async function locateCrds(opts: CrdOptions): Promise<CrdLocation> {
  const shared = resolve(opts.root, opts.sharedDir ?? process.env.CRDS_DIR ?? '../shared/crds');
  const useShared = existsSync(shared);
  const root = useShared ? shared : join(opts.root, 'build', 'crds');
  const baseUrl = opts.baseUrl ?? process.env.CRDS_BASE_URL ?? 'https://raw.githubusercontent.com';
  const files: string[] = [];
  for (const release of opts.releases ?? CRD_RELEASES) {
    for (const file of release.files) {
      const path = join(root, release.dir, file.name);
      if (!useShared && !existsSync(path)) {
        await download(
          `${baseUrl}/${release.repo}/${release.commit}/${file.upstreamPath}`,
          path,
          file.sha256,
        );
      }
      await verify(path, file.sha256);
      files.push(path);
    }
  }
  return { root, source: useShared ? 'shared' : 'download', files };
}

async function download(url: string, path: string, expected: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`downloading ${url}: HTTP ${res.status}`);
  const data = Buffer.from(await res.arrayBuffer());
  if (sha256(data) !== expected) {
    throw new Error(`downloaded ${url}: SHA-256 ${sha256(data)} does not match the recorded ${expected}`);
  }
  await mkdir(resolve(path, '..'), { recursive: true });
  await writeFile(path, data);
}
