// Helm values for the cluster add-ons `make kind-up` installs. Generated, like the charts, so the
// names they share with the bundle (metric names, NodePorts, namespaces) come from one place.
import { METRICS } from '../../catalog/metrics.ts';
import { GRAFANA_ADMIN_KEYS, GRAFANA_ADMIN_SECRET } from '../config/credentials.ts';
import {
  GRAFANA_DASHBOARD_LABEL,
  GRAFANA_FOLDER_ANNOTATION,
  HOST_PORTS,
  INGRESS_GATEWAY_CONTAINER_PORT,
  MONITORING_NAMESPACE,
  NODE_PORTS,
  REQUEST_RATE_METRIC,
} from '../config/platform.ts';

/** Helm release names used by tools/cluster/kind-up.sh. */
export const RELEASES = {
  kubePrometheusStack: 'kube-prometheus-stack',
  prometheusAdapter: 'prometheus-adapter',
} as const;

/** The Prometheus kube-prometheus-stack runs (the canary promoter reaches it through the API server). */
export const PROMETHEUS_SERVICE = {
  name: `${RELEASES.kubePrometheusStack}-prometheus`,
  namespace: MONITORING_NAMESPACE,
  port: 9090,
} as const;
export const PROMETHEUS_URL = `http://${PROMETHEUS_SERVICE.name}.${PROMETHEUS_SERVICE.namespace}.svc`;

const REQUEST_COUNT_SERIES = `${METRICS.httpServerDuration.name}_count`;

/** prometheus-adapter: serve the per-pod request rate the HPAs scale on as a custom pods metric. */
export function prometheusAdapterValues(): Record<string, unknown> {
  return {
    prometheus: { url: PROMETHEUS_URL, port: PROMETHEUS_SERVICE.port },
    rules: {
      default: false,
      custom: [
        {
          seriesQuery: `${REQUEST_COUNT_SERIES}{namespace!="",pod!=""}`,
          resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
          name: { matches: `^${REQUEST_COUNT_SERIES}$`, as: REQUEST_RATE_METRIC },
          metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)',
        },
      ],
    },
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
  };
}

/** kube-prometheus-stack: pick up the bundle's ServiceMonitors/rules in any namespace, Grafana on
 * a NodePort that kind maps to localhost:3000, dashboards imported from labelled ConfigMaps. */
export function kubePrometheusStackValues(): Record<string, unknown> {
  return {
    prometheus: {
      prometheusSpec: {
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        retention: '2d',
        resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { memory: '1536Mi' } },
      },
    },
    alertmanager: {
      alertmanagerSpec: {
        resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      },
    },
    grafana: {
      // The login comes from a Secret `make kind-up` generates (config/credentials.ts), not from values.
      admin: {
        existingSecret: GRAFANA_ADMIN_SECRET.name,
        ...GRAFANA_ADMIN_KEYS,
      },
      service: { type: 'NodePort', nodePort: NODE_PORTS.grafana },
      sidecar: {
        dashboards: {
          enabled: true,
          label: GRAFANA_DASHBOARD_LABEL.name,
          labelValue: GRAFANA_DASHBOARD_LABEL.value,
          searchNamespace: 'ALL',
          // The ConfigMap's annotation names the Grafana folder the dashboard lands in.
          folderAnnotation: GRAFANA_FOLDER_ANNOTATION,
          provider: { foldersFromFilesStructure: true },
        },
      },
      'grafana.ini': { server: { root_url: `http://localhost:${HOST_PORTS.grafana}` } },
    },
  };
}

/** istio/gateway: the ingress gateway on a NodePort that kind maps to localhost:8080. */
export function ingressGatewayValues(): Record<string, unknown> {
  return {
    service: {
      type: 'NodePort',
      ports: [
        { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
        {
          name: 'http2',
          port: 80,
          protocol: 'TCP',
          targetPort: INGRESS_GATEWAY_CONTAINER_PORT,
          nodePort: NODE_PORTS.ingressHttp,
        },
      ],
    },
  };
}

/** istiod: laptop-sized control plane; Envoy merges each app's /metrics into :15020. The Istio CNI
 * node agent (istio/cni chart) sets up each pod's traffic redirection, so the injected init
 * container needs no NET_ADMIN/NET_RAW and runs as 1337: what Pod Security `restricted` admits. */
export function istiodValues(): Record<string, unknown> {
  return {
    pilot: {
      resources: { requests: { cpu: '100m', memory: '256Mi' } },
      autoscaleEnabled: false,
      cni: { enabled: true },
    },
    meshConfig: { enablePrometheusMerge: true },
  };
}

/** metrics-server on kind: kubelets serve self-signed certificates. */
export function metricsServerValues(): Record<string, unknown> {
  return { args: ['--kubelet-insecure-tls'] };
}

/** VPA: recommender for every VPA, updater + admission controller for ml-advisor's Auto mode. */
export function vpaValues(): Record<string, unknown> {
  return {
    recommender: { enabled: true },
    updater: { enabled: true },
    admissionController: { enabled: true },
  };
}

export const ADDON_VALUES: Readonly<Record<string, () => Record<string, unknown>>> = {
  'prometheus-adapter': prometheusAdapterValues,
  'kube-prometheus-stack': kubePrometheusStackValues,
  istiod: istiodValues,
  'istio-ingressgateway': ingressGatewayValues,
  'metrics-server': metricsServerValues,
  vpa: vpaValues,
};
