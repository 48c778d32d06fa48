// Reads tools/cluster/versions.env, the one file that pins every version the cluster workflow uses,
// so the images in the charts and the add-on versions in the Makefile can never disagree.
import { readFileSync } from 'node:fs';

const VERSIONS_FILE = new URL('../../tools/cluster/versions.env', import.meta.url);

export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`versions.env: not KEY=value: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const pinned = parseEnvFile(readFileSync(VERSIONS_FILE, 'utf8'));

export function pinnedVersion(key: string): string {
  const value = pinned[key];
  if (value === undefined) throw new Error(`tools/cluster/versions.env has no ${key}`);
  return value;
}

/** vMAJOR.MINOR of a vMAJOR.MINOR.PATCH version. */
export function minorOf(version: string): string {
  const match = /^(v\d+\.\d+)\.\d+$/.exec(version);
  if (!match?.[1]) throw new Error(`not a vMAJOR.MINOR.PATCH version: ${version}`);
  return match[1];
}

export const VERSIONS = {
  /** The Kubernetes minor the cluster path pairs with (kind node, local control plane). */
  kubernetesMinor: minorOf(pinnedVersion('KUBERNETES_VERSION')),
  postgresImage: pinnedVersion('POSTGRES_IMAGE'),
  jaegerImage: pinnedVersion('JAEGER_IMAGE'),
  k6Image: pinnedVersion('K6_IMAGE'),
} as const;
