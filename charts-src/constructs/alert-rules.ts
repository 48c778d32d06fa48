// The bundle's alert and recording rules as PrometheusRule objects, one per rule file of
// alerts/rules.ts (the same groups `make synth` writes to dist/rules for promtool). The
// kube-prometheus-stack Prometheus selects every PrometheusRule (ruleSelectorNilUsesHelmValues: false).
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Construct } from 'constructs';
import { RULE_FILES } from '../../alerts/rules.ts';
import { PART_OF } from '../lib/labels.ts';
import { typedObject } from '../lib/typed.ts';

export class AlertRules extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    for (const [name, groups] of Object.entries(RULE_FILES)) {
      typedObject(
        this,
        name,
        new PrometheusRule({
          metadata: { name, labels: { 'app.kubernetes.io/part-of': PART_OF } },
          spec: { groups: groups().map((g) => ({ name: g.name, rules: g.rules.map((r) => ({ ...r })) })) },
        }),
      );
    }
  }
}
