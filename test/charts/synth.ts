// Test helpers: synthesize a profile in memory (no files) and look objects up by kind and name.
import { PROFILES } from '../../charts-src/config/profiles.ts';
import type { Profile, ProfileName } from '../../charts-src/config/profiles.ts';
import { buildApps } from '../../charts-src/main.ts';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Synthesized {
  /** Objects `make deploy` applies. */
  readonly main: K8sObject[];
  /** The k6 Jobs and their ConfigMaps. */
  readonly load: K8sObject[];
  readonly all: K8sObject[];
}

export function synthProfile(profile: Profile): Synthesized {
  const { main, load } = buildApps(profile, '/nonexistent-test-outdir');
  const objects = (app: typeof main) => app.charts.flatMap((chart) => chart.toJson() as K8sObject[]);
  const m = objects(main);
  const l = objects(load);
  return { main: m, load: l, all: [...m, ...l] };
}

const cache = new Map<ProfileName, Synthesized>();
export function synthesized(name: ProfileName): Synthesized {
  let s = cache.get(name);
  if (!s) {
    s = synthProfile(PROFILES[name]);
    cache.set(name, s);
  }
  return s;
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

/** Whether every key/value of `selector` is present in `labels`. */
export function matches(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
