// make dashboards: dist/dashboards/petstore.json, importable as is through Grafana's Import dashboard.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { petstoreDashboard } from './petstore.ts';

export const DASHBOARD_FILE = 'petstore.json';

export function writeDashboards(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, DASHBOARD_FILE);
  writeFileSync(path, `${JSON.stringify(petstoreDashboard(), null, 2)}\n`);
  return [path];
}

if (import.meta.main) {
  for (const path of writeDashboards(process.argv[2] ?? 'dist/dashboards')) console.log(path);
}
