// Who writes which fields of the deployed objects (Kubernetes server-side apply field managers).
// `make deploy` applies every synthesized object as `deploy`; the canary promoter applies the
// VirtualServices' traffic routing (spec.http, with the weights) as `promoter`. Once the promoter
// owns a VirtualService's routing, `make deploy` leaves that routing alone (docs/cluster.md).
export const FIELD_MANAGERS = {
  deploy: 'mmf-petstore',
  promoter: 'mmf-canary-promoter',
} as const;
