// Typed, schema-checked objects for kinds cdk8s-plus does not model (Istio, Prometheus Operator,
// VPA, PodDisruptionBudget, NetworkPolicy): build them with kubernetes-models classes, validate
// against the Kubernetes/CRD JSON schema right away (a bad field fails synth, not the apply), and
// hand the plain object to cdk8s as an ApiObject so it lands in the chart's YAML.
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';

export interface TypedModel {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  validate(): void;
  toJSON(): unknown;
}

export function typedObject(scope: Construct, id: string, model: TypedModel): ApiObject {
  model.validate();
  const { apiVersion, kind, metadata, ...rest } = model.toJSON() as {
    apiVersion: string;
    kind: string;
    metadata?: Record<string, unknown>;
  } & Record<string, unknown>;
  return new ApiObject(scope, id, { apiVersion, kind, metadata: metadata ?? {}, ...rest });
}
