// Sticky A/B assignment: a user's variant is a pure function of their id (and the experiment name),
// so every replica, and every restart, puts the same user in the same arm without shared state.
import { createHash } from 'node:crypto';
import type { Variant } from './recommendation.ts';

export const DEFAULT_V2_SHARE = 0.5;
export const DEFAULT_EXPERIMENT = 'pet-advisor-v2';

/** sha256(experiment:userId) -> first 48 bits -> [0, 1). Uniform enough for any id pattern. */
export function bucketOf(userId: string, experiment: string = DEFAULT_EXPERIMENT): number {
  const digest = createHash('sha256').update(`${experiment}:${userId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export interface AbAssigner {
  readonly v2Share: number;
  readonly experiment: string;
  assign(userId: string): Variant;
}

/** v2Share: share of users who get the weighted model (0 = everyone v1, 1 = everyone v2). */
export function createAbAssigner(
  v2Share: number = DEFAULT_V2_SHARE,
  experiment: string = DEFAULT_EXPERIMENT,
): AbAssigner {
  if (!Number.isFinite(v2Share) || v2Share < 0 || v2Share > 1) {
    throw new RangeError(`v2 share must be between 0 and 1, got ${v2Share}`);
  }
  return {
    v2Share,
    experiment,
    assign: (userId) => (bucketOf(userId, experiment) < v2Share ? 'v2' : 'v1'),
  };
}
