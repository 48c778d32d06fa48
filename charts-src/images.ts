// Prints the image references a profile deploys (stable and canary versions of the one service
// image), for `make images`: node charts-src/images.ts kind
import { PROFILES } from './config/profiles.ts';
import type { Profile, ProfileName } from './config/profiles.ts';

export function imageTags(profile: Profile): string[] {
  const versions = [profile.stableVersion, ...Object.values(profile.canaries).map((c) => c.version)];
  return [...new Set(versions)].map((v) => `${profile.imageRepository}:${v}`);
}

if (import.meta.main) {
  const name = (process.argv[2] ?? 'kind') as ProfileName;
  const profile = PROFILES[name];
  if (!profile) throw new Error(`unknown profile ${name}; known: ${Object.keys(PROFILES).join(', ')}`);
  console.log(imageTags(profile).join(' '));
}
