// The Grafana dashboard as a ConfigMap the kube-prometheus-stack Grafana sidecar imports (label
// grafana_dashboard: "1", folder from the annotation): after `make deploy` it appears in Grafana
// under the MMF Petstore folder. Same JSON as dist/dashboards/petstore.json.
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DASHBOARD_FILE } from '../../dashboards/main.ts';
import { petstoreDashboard } from '../../dashboards/petstore.ts';
import { GRAFANA_DASHBOARD_LABEL, GRAFANA_FOLDER, GRAFANA_FOLDER_ANNOTATION } from '../config/platform.ts';
import { PART_OF } from '../lib/labels.ts';

export class Dashboards extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new kplus.ConfigMap(this, 'petstore', {
      metadata: {
        name: 'grafana-dashboard-petstore',
        labels: {
          [GRAFANA_DASHBOARD_LABEL.name]: GRAFANA_DASHBOARD_LABEL.value,
          'app.kubernetes.io/part-of': PART_OF,
        },
        annotations: { [GRAFANA_FOLDER_ANNOTATION]: GRAFANA_FOLDER },
      },
      data: { [DASHBOARD_FILE]: JSON.stringify(petstoreDashboard()) },
    });
  }
}
