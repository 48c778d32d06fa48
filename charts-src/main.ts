// Synthesizes both profiles: dist/<profile>/*.k8s.yaml (applied by `make deploy`),
// dist/<profile>/load/k6-<scenario>.k8s.yaml (one Job each, applied by `make load`),
// dist/platform/<addon>-values.yaml (Helm values for `make kind-up`), dist/rules/*.yaml (the alert
// and recording rules as plain rule files, for promtool and Prometheus outside Kubernetes) and
// dist/dashboards/petstore.json (the Grafana dashboard, importable as is).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Yaml } from 'cdk8s';
import { writeRuleFiles } from '../alerts/rules.ts';
import { writeDashboards } from '../dashboards/main.ts';
import { LoadChart, loadScript } from './charts/load-chart.ts';
import { NamespaceChart, PetstoreChart } from './charts/petstore-chart.ts';
import { loadRuns } from './config/load.ts';
import { PROFILES } from './config/profiles.ts';
import type { Profile } from './config/profiles.ts';
import { ADDON_VALUES } from './platform/addon-values.ts';

export function buildApps(profile: Profile, outdir: string): { main: App; load: App } {
  const main = new App({ outdir });
  new NamespaceChart(main, '00-namespace');
  new PetstoreChart(main, '10-petstore', profile);
  const load = new App({ outdir: join(outdir, 'load') });
  for (const run of loadRuns(profile)) {
    new LoadChart(load, `k6-${run.name}`, profile, run.scenario, loadScript(run.scenario), run);
  }
  return { main, load };
}

export function synthAll(distDir: string): void {
  for (const profile of Object.values(PROFILES)) {
    const outdir = join(distDir, profile.name);
    rmSync(outdir, { recursive: true, force: true });
    const { main, load } = buildApps(profile, outdir);
    main.synth();
    load.synth();
  }
  const platformDir = join(distDir, 'platform');
  mkdirSync(platformDir, { recursive: true });
  for (const [name, values] of Object.entries(ADDON_VALUES)) {
    writeFileSync(join(platformDir, `${name}-values.yaml`), Yaml.stringify(values()));
  }
  writeRuleFiles(join(distDir, 'rules'));
  writeDashboards(join(distDir, 'dashboards'));
}

if (import.meta.main) synthAll(process.argv[2] ?? 'dist');
