// Alert rules in the cluster: both profiles carry one PrometheusRule per rule file, with exactly the
// groups `make synth` writes to dist/rules (which promtool tests).
import { describe, expect, it } from 'vitest';
import { RULE_FILES } from '../alerts/rules.ts';
import { find, PROFILE_NAMES, synthesized } from '../test/charts/synth.ts';

describe.each(PROFILE_NAMES)('%s profile observability', (profile) => {
  const { main } = synthesized(profile);

  it.each(Object.keys(RULE_FILES))('has the PrometheusRule %s with the groups of dist/rules', (name) => {
    const rule = find(main, 'PrometheusRule', name);
    expect(rule.metadata.namespace).toBe('petstore');
    const groups = JSON.parse(JSON.stringify(RULE_FILES[name]?.() ?? [])) as unknown;
    expect(rule.spec?.groups).toEqual(groups);
  });
});
