// make canary-simulate: how the judge fares at a given traffic rate, through the real promotion loop
// in simulated time. Prints, per scenario, the verdicts of seeded trials and how many intervals the
// rollbacks took. Options: PROFILE=kind|production TRIALS=100 RPS=20 (env).
import { PROFILES, type ProfileName } from '../../charts-src/config/profiles.ts';
import { planFor } from './plan.ts';
import { rolledBackWithin, runTrials, SCENARIOS } from './simulation.ts';

function option(name: string, fallback: string): string {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
}

const profileName = option('PROFILE', 'production') as ProfileName;
const profile = PROFILES[profileName];
const trials = Number(option('TRIALS', '100'));
const rps = Number(option('RPS', '20'));
if (!profile || !Number.isInteger(trials) || trials < 1 || !(rps > 0)) {
  console.error(
    'usage: PROFILE=kind|production TRIALS=<n >= 1> RPS=<requests/s > 0> node tools/canary/simulate.ts',
  );
  process.exit(2);
}
const plan = planFor(profile.canaryAnalysis, { fromWeight: SCENARIOS.bad.startWeight });
const { intervalSeconds, soakSeconds } = profile.canaryAnalysis;
console.log(
  `${profileName} profile: interval ${intervalSeconds} s, soak ${soakSeconds} s, steps ${plan.steps.join(' → ')} %; ` +
    `${trials} seeded trials at ${rps} requests/s; per-test alpha ${plan.policy.alpha.toExponential(2)} ` +
    `(comparisons), ${plan.policy.alphaEarly.toExponential(2)} (early absolute)`,
);
console.log(
  ['scenario', 'promoted', 'rolled back', 'halted', 'within 1', 'within 2', 'within 3', 'triggers'].join(
    '\t',
  ),
);
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  const f = await runTrials({ ...scenario, rps }, plan, trials);
  const triggers = Object.entries(f.triggers).map(([t, n]) => `${t} ${n}`);
  console.log(
    [
      name,
      f.verdicts.promoted,
      f.verdicts.rolled_back,
      f.verdicts.halted,
      rolledBackWithin(f, 1),
      rolledBackWithin(f, 2),
      rolledBackWithin(f, 3),
      triggers.join(', ') || '-',
    ].join('\t'),
  );
}
