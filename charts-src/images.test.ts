// Image references per profile: kind runs the locally loaded tags (IfNotPresent); production pins
// every image by digest and pulls Always. Digests cannot be resolved on the development machines
// (no registry), so the production check reports what is still unresolved instead of faking it.
import { describe, expect, it } from 'vitest';
import { PROFILES } from './config/profiles.ts';
import {
  serviceImage,
  serviceImageDigests,
  THIRD_PARTY_IMAGES,
  thirdPartyImage,
  unpinnedImages,
} from './config/images.ts';
import { pinnedVersion } from './config/versions.ts';
import { profileImages } from './images.ts';
import { synthesized, ofKind } from '../test/charts/synth.ts';
import { template, workloads } from '../test/charts/invariants.ts';

const fakeDigest = (c: string) => `sha256:${c.repeat(64)}`;
const containers = (profile: 'kind' | 'production') =>
  workloads(synthesized(profile).all).flatMap((w) => template(w).spec.containers);

describe('kind', () => {
  it('runs every image by tag, pulled only when not present (the service image is kind-loaded)', () => {
    const all = containers('kind');
    expect(all.length).toBeGreaterThan(10);
    for (const c of all) {
      expect(c.image, c.name).not.toContain('@');
      expect(c.imagePullPolicy, c.name).toBe('IfNotPresent');
    }
  });
});

describe('production', () => {
  it('pulls every image Always', () => {
    for (const c of containers('production')) expect(c.imagePullPolicy, c.name).toBe('Always');
  });

  it('pins exactly where a digest is recorded: versions.env for third-party images, the synth env for ours', () => {
    const unresolved = Object.values(THIRD_PARTY_IMAGES)
      .filter((key) => pinnedVersion(`${key}_DIGEST`) === '')
      .map((key) => pinnedVersion(key));
    const ours = Object.keys(serviceImageDigests());
    const expectedUnpinned = [
      ...unresolved,
      ...['0.1.0', '0.2.0']
        .filter((v) => !ours.includes(v))
        .map((v) => `${PROFILES.production.imageRepository}:${v}`),
    ].sort();
    expect(unpinnedImages(containers('production').map((c) => c.image))).toEqual(expectedUnpinned);
  });

  it('with digests given, every image is name:tag@digest and the registry is the one given', () => {
    const env = {
      PETSTORE_IMAGE_REPOSITORY: 'registry.example.com/shop/mmf-petstore',
      PETSTORE_IMAGE_DIGESTS: `0.1.0=${fakeDigest('a')}, 0.2.0=${fakeDigest('b')}`,
    };
    expect(serviceImage(PROFILES.production, '0.2.0', env)).toEqual({
      image: `registry.example.com/shop/mmf-petstore:0.2.0@${fakeDigest('b')}`,
      pullPolicy: 'Always',
    });
    expect(serviceImage(PROFILES.kind, '0.2.0', env).image).toBe('mmf-petstore:0.2.0');
    expect(thirdPartyImage(PROFILES.kind, 'postgres').image).toBe(pinnedVersion('POSTGRES_IMAGE'));
    expect(unpinnedImages([`x:1@${fakeDigest('c')}`, 'x:1', 'y@sha256:short'])).toEqual([
      'x:1',
      'y@sha256:short',
    ]);
  });

  it('refuses a malformed digest at synth time, naming where it came from', () => {
    expect(() => serviceImageDigests({ PETSTORE_IMAGE_DIGESTS: '0.1.0=sha256:abc' })).toThrow(
      /PETSTORE_IMAGE_DIGESTS entry for 0.1.0: sha256:abc is not a sha256:<64 hex> digest/,
    );
  });

  // The done-when check itself. Its digests need a registry, which the development machines cannot
  // reach, and a digest is never invented: until `make pin-images` has run where one is reachable
  // (and PETSTORE_IMAGE_DIGESTS names the user's build), this test is skipped, naming what is
  // missing, and `make image-pins` fails the same way.
  const unpinned = unpinnedImages(profileImages(PROFILES.production));
  it.skipIf(unpinned.length > 0)(
    `every production image is pinned by digest${unpinned.length ? ` (SKIPPED: no digest yet for ${unpinned.join(', ')})` : ''}`,
    () => {
      expect(unpinned).toEqual([]);
      expect(ofKind(synthesized('production').all, 'Deployment').length).toBeGreaterThan(0);
    },
  );
});
