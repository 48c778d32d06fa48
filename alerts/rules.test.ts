// The rule files' structure: the document's six alerts, an SLO alert set per service with the labels
// routing needs, annotations with a runbook that exists, and promtool cases that make every alerting
// rule fire somewhere and every alert name stay silent somewhere (make alerts-test runs them).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BURN_RATE_ALERTS, SERVICE_NAMES, SLO_KINDS } from '../catalog/index.ts';
import { alertingRules, PROMTOOL_TESTS, ruleFor } from '../test/alerts/write-promtool-tests.ts';
import { le } from './promql.ts';
import { BUDGET_BURN_ALERT } from './slo-rules.ts';
import { RUNBOOKS } from './types.ts';

const alerts = alertingRules();
const NAMED = [
  'HighErrorRate',
  'HighLatency',
  'ServiceDown',
  'MLAdvisorHighProcessingTime',
  'PodCrashLooping',
  'HighMemory',
];

describe('alert rules', () => {
  it("has the petstore document's six alerts and the burn-rate alerts, nothing else", () => {
    expect(new Set(alerts.map((a) => a.alert))).toEqual(new Set([...NAMED, BUDGET_BURN_ALERT]));
  });

  it('gives every service a burn-rate alert per SLO and window pair, labelled service, slo, severity', () => {
    const burn = alerts.filter((a) => a.alert === BUDGET_BURN_ALERT);
    expect(burn).toHaveLength(SERVICE_NAMES.length * SLO_KINDS.length * BURN_RATE_ALERTS.length);
    for (const service of SERVICE_NAMES) {
      for (const slo of SLO_KINDS) {
        const mine = burn.filter((a) => a.labels.service === service && a.labels.slo === slo);
        expect(mine.map((a) => [a.labels.long_window, a.labels.severity])).toEqual(
          BURN_RATE_ALERTS.map((b) => [b.long, b.severity]),
        );
      }
    }
    // Fast burns page, slow burns open a ticket.
    expect(BURN_RATE_ALERTS.map((b) => `${b.long}/${b.short} ${b.factor}x ${b.severity}`)).toEqual([
      '1h/5m 14.4x critical',
      '6h/30m 6x critical',
      '1d/2h 3x warning',
      '3d/6h 1x warning',
    ]);
  });

  it('annotates every alert with what is wrong, what to look at, and a runbook section that exists', () => {
    const runbooks = readFileSync(new URL(`../${RUNBOOKS}`, import.meta.url), 'utf8');
    const anchors = new Set([...runbooks.matchAll(/^## (\w+)$/gm)].map((m) => m[1]?.toLowerCase()));
    for (const a of alerts) {
      expect(a.annotations.summary.length, a.alert).toBeGreaterThan(10);
      expect(a.annotations.description, a.alert).toMatch(/Look first at/);
      expect(a.annotations.runbook_url).toBe(`${RUNBOOKS}#${a.alert.toLowerCase()}`);
      expect(anchors, `${RUNBOOKS} needs a "## ${a.alert}" section`).toContain(a.alert.toLowerCase());
      expect(['critical', 'warning']).toContain(a.labels.severity);
    }
  });

  it('writes bucket bounds the way Prometheus 3 stores them', () => {
    expect([0.3, 1, 2.5, 10].map(le)).toEqual(['0.3', '1.0', '2.5', '10.0']);
  });
});

describe('promtool cases', () => {
  const checks = PROMTOOL_TESTS.flatMap((f) => f.groups.flatMap((g) => g.checks));

  it('make every alerting rule fire at least once', () => {
    const fired = new Set(
      checks.flatMap((c) => c.firing.map((labels) => ruleFor(c.alertname, labels, alerts))),
    );
    const silentRules = alerts.filter((r) => !fired.has(r));
    expect(silentRules.map((r) => `${r.alert} ${JSON.stringify(r.labels)}`)).toEqual([]);
  });

  it('check every alert name at a moment when some of its series must stay silent', () => {
    // A lane is one service, pod or variant of a group's input series (each tells its own story).
    const lane = (series: string) =>
      ['service', 'pod', 'variant'].map((l) => new RegExp(`${l}="([^"]*)"`).exec(series)?.[1]).join('/');
    for (const name of NAMED) {
      const groups = PROMTOOL_TESTS.flatMap((f) => f.groups).filter((g) =>
        g.checks.some((c) => c.alertname === name),
      );
      const silentSomewhere = groups.some((g) => {
        const lanes = new Set(g.series.map((s) => lane(s.series))).size;
        return g.checks.some((c) => c.alertname === name && c.firing.length < lanes);
      });
      expect(silentSomewhere, name).toBe(true);
    }
  });
});
