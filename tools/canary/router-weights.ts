// The promoter's weights backend for the local demo: the router holds the VirtualService, and a
// weight change is the same patch the cluster gets (withCanaryWeight on every split route).
import type { WeightsBackend } from './promotion.ts';
import type { Router } from './router.ts';
import { canaryWeightOf, withCanaryWeight, type CanarySubsets } from './virtual-service.ts';

export function routerWeights(
  router: Pick<Router, 'current' | 'apply'>,
  split: CanarySubsets,
): WeightsBackend {
  return {
    read: () => Promise.resolve(canaryWeightOf(router.current(), split)),
    write: (weight) => {
      router.apply(withCanaryWeight(router.current(), split, weight));
      return Promise.resolve();
    },
  };
}
