// Alert rules and the dashboard in the cluster: both profiles carry one PrometheusRule per rule file
// with exactly the groups of dist/rules (which promtool tests), and the dashboard ConfigMap the
// Grafana sidecar of kube-prometheus-stack imports.
import { describe, expect, it } from 'vitest';
import { RULE_FILES } from '../alerts/rules.ts';
import { DASHBOARD_FILE } from '../dashboards/main.ts';
import { petstoreDashboard } from '../dashboards/petstore.ts';
import { find, PROFILE_NAMES, synthesized, type K8sObject } from '../test/charts/synth.ts';
import { GRAFANA_DASHBOARD_LABEL, GRAFANA_FOLDER, GRAFANA_FOLDER_ANNOTATION } from './config/platform.ts';
import { kubePrometheusStackValues } from './platform/addon-values.ts';

describe.each(PROFILE_NAMES)('%s profile observability', (profile) => {
  const { main } = synthesized(profile);

  it.each(Object.keys(RULE_FILES))('has the PrometheusRule %s with the groups of dist/rules', (name) => {
    const rule = find(main, 'PrometheusRule', name);
    expect(rule.metadata.namespace).toBe('petstore');
    const groups = JSON.parse(JSON.stringify(RULE_FILES[name]?.() ?? [])) as unknown;
    expect(rule.spec?.groups).toEqual(groups);
  });
});

describe.each(PROFILE_NAMES)('%s profile dashboard', (profile) => {
  it('ships the dashboard in a ConfigMap the Grafana sidecar imports into the petstore folder', () => {
    const cm = find(synthesized(profile).main, 'ConfigMap', 'grafana-dashboard-petstore') as K8sObject & {
      data: Record<string, string>;
      metadata: { annotations?: Record<string, string> };
    };
    expect(cm.metadata.labels?.[GRAFANA_DASHBOARD_LABEL.name]).toBe(GRAFANA_DASHBOARD_LABEL.value);
    expect(cm.metadata.annotations?.[GRAFANA_FOLDER_ANNOTATION]).toBe(GRAFANA_FOLDER);
    expect(JSON.parse(cm.data[DASHBOARD_FILE] ?? '')).toEqual(
      JSON.parse(JSON.stringify(petstoreDashboard())),
    );
  });
});

it('makes the kube-prometheus-stack sidecar watch that label and honour the folder annotation', () => {
  const values = kubePrometheusStackValues() as {
    grafana: { sidecar: { dashboards: Record<string, unknown> } };
  };
  expect(values.grafana.sidecar.dashboards).toMatchObject({
    enabled: true,
    label: GRAFANA_DASHBOARD_LABEL.name,
    labelValue: GRAFANA_DASHBOARD_LABEL.value,
    searchNamespace: 'ALL',
    folderAnnotation: GRAFANA_FOLDER_ANNOTATION,
    provider: { foldersFromFilesStructure: true },
  });
});
