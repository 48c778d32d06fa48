// The images a profile runs. `node charts-src/images.ts kind` prints the service image tags the
// profile deploys (stable and canary), for `make images`; `--unpinned production` lists every
// image of the synthesized profile that names no digest and exits 1 if there is one, for
// `make image-pins` (how digests are pinned: charts-src/config/images.ts).
import { parseArgs } from 'node:util';
import { unpinnedImages } from './config/images.ts';
import { PROFILES } from './config/profiles.ts';
import type { Profile, ProfileName } from './config/profiles.ts';
import { buildApps } from './main.ts';

export function imageTags(profile: Profile): string[] {
  const versions = [profile.stableVersion, ...Object.values(profile.canaries).map((c) => c.version)];
  return [...new Set(versions)].map((v) => `${profile.imageRepository}:${v}`);
}

/** Every container image of a profile's objects (deploy set and load Jobs), in memory. */
export function profileImages(profile: Profile): string[] {
  const { main, load } = buildApps(profile, '/nonexistent-images-outdir');
  const json = JSON.stringify([main, load].flatMap((app) => app.charts.flatMap((c) => c.toJson())));
  return [...json.matchAll(/"image":"([^"]+)"/g)].map((m) => m[1] ?? '');
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    options: { unpinned: { type: 'boolean' } },
    allowPositionals: true,
  });
  const name = (positionals[0] ?? 'kind') as ProfileName;
  const profile = PROFILES[name] as Profile | undefined;
  if (!profile) throw new Error(`unknown profile ${name}; known: ${Object.keys(PROFILES).join(', ')}`);
  if (!values.unpinned) console.log(imageTags(profile).join(' '));
  else {
    const unpinned = unpinnedImages(profileImages(profile));
    if (unpinned.length === 0) console.log(`every image of the ${name} profile is pinned by digest`);
    else {
      console.error(
        [
          `${unpinned.length} image(s) of the ${name} profile have no digest:`,
          ...unpinned.map((i) => `  ${i}`),
          'Third-party images: make pin-images (where a registry is reachable; writes tools/cluster/versions.env).',
          'The service image: push your build, then synthesize with PETSTORE_IMAGE_REPOSITORY=<registry>/mmf-petstore',
          '  PETSTORE_IMAGE_DIGESTS="<version>=sha256:...,..." (one entry per version the profile deploys).',
        ].join('\n'),
      );
      process.exitCode = 1;
    }
  }
}
