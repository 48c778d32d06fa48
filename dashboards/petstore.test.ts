// The dashboard JSON: importable as is (no __inputs, every query on the datasource variable), the
// variables the issue names, a description and unit on every panel, every row it promises, and
// thresholds that are the catalog's numbers.
import { describe, expect, it } from 'vitest';
import {
  CANARY_MAX_ERROR_PERCENT,
  MEMORY_LIMIT_ALERT_PERCENT,
  ML_MAX_PROCESSING_P95_MS,
  SERVICE_NAMES,
  SERVICES,
} from '../catalog/index.ts';
import { DASHBOARD_UID, petstoreDashboard } from './petstore.ts';

interface PanelJson {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults: { unit?: string; thresholds?: { steps: { value: number | null }[] } } };
  targets?: { expr: string; datasource: { uid: string } }[];
}
const dashboard = petstoreDashboard() as unknown as {
  uid: string;
  panels: PanelJson[];
  templating: { list: { name: string; type: string; multi?: boolean; includeAll?: boolean }[] };
};
const panels = dashboard.panels.filter((p) => p.type !== 'row');
const byTitle = (title: string) => panels.find((p) => p.title === title) as PanelJson;
const steps = (title: string) => byTitle(title).fieldConfig?.defaults.thresholds?.steps.map((s) => s.value);

describe('petstore dashboard', () => {
  it('imports as is: fixed uid, no inputs, every panel and query on the datasource variable', () => {
    const json = JSON.stringify(dashboard);
    expect(dashboard.uid).toBe(DASHBOARD_UID);
    expect(json).not.toContain('__inputs');
    expect(json).not.toMatch(/\$\{DS_/);
    for (const p of panels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets ?? []) expect(t.datasource.uid).toBe('${datasource}');
    }
  });

  it('has the variables datasource, namespace, service (multi, All) and version', () => {
    expect(dashboard.templating.list.map((v) => [v.name, v.type, !!v.multi, !!v.includeAll])).toEqual([
      ['datasource', 'datasource', false, false],
      ['namespace', 'query', false, false],
      ['service', 'query', true, true],
      ['version', 'query', true, true],
    ]);
  });

  it('describes every panel, gives it a unit and at least one query, and a unique id', () => {
    for (const p of panels) {
      expect(p.description?.length, p.title).toBeGreaterThan(30);
      expect(p.fieldConfig?.defaults.unit, p.title).toBeTruthy();
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lays panels on the 24-column grid without overlaps', () => {
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('has a row for everything the petstore document lists', () => {
    expect(dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'Service health',
      'Requests, latency and errors',
      'SLOs and alerts',
      'Customer journey',
      'Business',
      'ML advisor (A/B variants)',
      'Downstream calls, circuit breakers and retries',
      'Canary progress (by version)',
      'Pod scaling (cluster)',
      'Resources vs requests and limits (cluster)',
    ]);
  });

  it('takes its thresholds from the catalog', () => {
    expect(steps('Error rate (5xx share) by service')).toEqual([
      null,
      SERVICES.petstore.slo.errorRatePercent / 100,
    ]);
    expect(steps('Error rate by version')).toEqual([null, CANARY_MAX_ERROR_PERCENT / 100]);
    expect(steps('Processing time p95 by variant')).toEqual([null, ML_MAX_PROCESSING_P95_MS / 1000]);
    expect(steps('Memory share of limit (per pod)')).toEqual([null, MEMORY_LIMIT_ALERT_PERCENT / 100]);
    // Each service's p95 is divided by its own objective.
    const relative = byTitle('p95 against its objective').targets?.[0]?.expr ?? '';
    for (const s of SERVICE_NAMES) expect(relative).toContain(`service="${s}"`);
    for (const s of SERVICE_NAMES) expect(relative).toContain(`/ ${SERVICES[s].slo.p95Ms / 1000}`);
  });
});
