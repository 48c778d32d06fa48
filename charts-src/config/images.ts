// How each profile references the images the bundle runs. kind: by tag, pulled IfNotPresent (the
// service image exists only in the nodes' cache after `make images`). production: by digest
// (`name:tag@sha256:...`), pulled Always, so a node runs exactly the image that was pinned and only
// if it may still pull it. Digests come from one place each, never from this code:
// - third-party images (postgres, jaeger, k6): `<KEY>_DIGEST` lines in tools/cluster/versions.env,
//   next to the tags, written by `make pin-images` where a registry is reachable;
// - the service image, which each user builds: PETSTORE_IMAGE_DIGESTS at synth time
//   ("0.1.0=sha256:...,0.2.0=sha256:..."), its registry in PETSTORE_IMAGE_REPOSITORY.
// An image without a digest stays tag-only; unpinnedImages() names it and `make image-pins` fails.
import * as kplus from 'cdk8s-plus-28';
import type { Profile } from './profiles.ts';
import { pinnedVersion } from './versions.ts';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The third-party images: their key in versions.env (the digest is `<key>_DIGEST`). */
export const THIRD_PARTY_IMAGES = {
  postgres: 'POSTGRES_IMAGE',
  jaeger: 'JAEGER_IMAGE',
  k6: 'K6_IMAGE',
} as const;
export type ThirdPartyImage = keyof typeof THIRD_PARTY_IMAGES;

export interface ImageRef {
  readonly image: string;
  readonly pullPolicy: kplus.ImagePullPolicy;
}

function checkedDigest(digest: string, where: string): string {
  if (!DIGEST.test(digest)) throw new Error(`${where}: ${digest} is not a sha256:<64 hex> digest`);
  return digest;
}

function reference(profile: Profile, tagged: string, digest: string | undefined): ImageRef {
  if (profile.name === 'kind') return { image: tagged, pullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT };
  return {
    image: digest ? `${tagged}@${digest}` : tagged,
    pullPolicy: kplus.ImagePullPolicy.ALWAYS,
  };
}

export function thirdPartyImage(profile: Profile, which: ThirdPartyImage): ImageRef {
  const key = THIRD_PARTY_IMAGES[which];
  const digest = pinnedVersion(`${key}_DIGEST`);
  const where = `tools/cluster/versions.env ${key}_DIGEST`;
  return reference(profile, pinnedVersion(key), digest === '' ? undefined : checkedDigest(digest, where));
}

/** PETSTORE_IMAGE_DIGESTS as version -> digest. */
export function serviceImageDigests(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of (env.PETSTORE_IMAGE_DIGESTS ?? '').split(',').filter((e) => e.trim() !== '')) {
    const [version = '', digest = ''] = entry.trim().split('=');
    out[version] = checkedDigest(digest, `PETSTORE_IMAGE_DIGESTS entry for ${version}`);
  }
  return out;
}

/** The service image at one version: production takes its registry and digest from the synth env. */
export function serviceImage(
  profile: Profile,
  version: string,
  env: NodeJS.ProcessEnv = process.env,
): ImageRef {
  const repository =
    profile.name === 'production'
      ? (env.PETSTORE_IMAGE_REPOSITORY ?? profile.imageRepository)
      : profile.imageRepository;
  return reference(profile, `${repository}:${version}`, serviceImageDigests(env)[version]);
}

/** Images of synthesized objects that name no digest (production must have none). */
export function unpinnedImages(images: readonly string[]): string[] {
  return [...new Set(images.filter((i) => !/@sha256:[a-f0-9]{64}$/.test(i)))].sort();
}
