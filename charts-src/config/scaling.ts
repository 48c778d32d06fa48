// Autoscaling settings from the petstore document (seed): HPA behaviour and VPA bounds.
import type { ProfileName } from './profiles.ts';

/** HPA scale-up: wait 60 s, then add the larger of 50 % or 4 pods per 30 s. */
export const SCALE_UP = {
  stabilizationSeconds: 60,
  percent: 50,
  pods: 4,
  periodSeconds: 30,
  select: 'Max',
} as const;
/** HPA scale-down: wait 300 s, then remove the smaller of 10 % or 2 pods per 60 s. */
export const SCALE_DOWN = {
  stabilizationSeconds: 300,
  percent: 10,
  pods: 2,
  periodSeconds: 60,
  select: 'Min',
} as const;

export interface VpaBounds {
  readonly minAllowed: { readonly cpu: string; readonly memory: string };
  readonly maxAllowed: { readonly cpu: string; readonly memory: string };
}

/** Seed: ml-advisor 100m/128Mi .. 2000m/4Gi. kind keeps the ceiling laptop-sized. */
export const VPA_BOUNDS: Readonly<Record<ProfileName, VpaBounds>> = {
  kind: { minAllowed: { cpu: '100m', memory: '128Mi' }, maxAllowed: { cpu: '1', memory: '1Gi' } },
  production: { minAllowed: { cpu: '100m', memory: '128Mi' }, maxAllowed: { cpu: '2', memory: '4Gi' } },
};
