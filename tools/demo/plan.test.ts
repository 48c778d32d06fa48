import { describe, expect, it } from 'vitest';
import {
  DEMO_SCENARIOS,
  fullLengthSeconds,
  parseDemoScale,
  parseK6Duration,
  selectScenarios,
  startsPerSecond,
} from './plan.ts';

describe('demo plan', () => {
  it("runs the document's four scenarios and the journey, about 95 s of load at DEMO_SCALE=1", () => {
    expect(DEMO_SCENARIOS.map((s) => s.key)).toEqual(['baseline', 'high-load', 'errors', 'mixed', 'journey']);
    expect(DEMO_SCENARIOS.reduce((sum, s) => sum + s.seconds, 0)).toBeLessThanOrEqual(100);
  });

  it('validates DEMO_SCALE and DEMO_SCENARIOS', () => {
    expect(parseDemoScale(undefined)).toBe(1);
    expect(parseDemoScale('0.25')).toBe(0.25);
    expect(() => parseDemoScale('0')).toThrow(/DEMO_SCALE/);
    expect(() => parseDemoScale('fast')).toThrow(/DEMO_SCALE/);
    expect(selectScenarios('errors, baseline').map((s) => s.key)).toEqual(['baseline', 'errors']);
    expect(() => selectScenarios('baseline,soak')).toThrow(/unknown soak/);
  });

  it('reads durations and rates from k6 inspect output', () => {
    expect(parseK6Duration('2m0s')).toBe(120);
    expect(parseK6Duration('1h2m3.5s')).toBe(3723.5);
    expect(parseK6Duration('500ms')).toBe(0.5);
    expect(() => parseK6Duration('2 minutes')).toThrow(/not a k6 duration/);
    const inspected = {
      scenarios: {
        a: { duration: '2m0s', rate: 6, timeUnit: '1s' },
        b: { startTime: '30s', duration: '2m0s', rate: 12, timeUnit: '1m0s' },
      },
    };
    expect(fullLengthSeconds(inspected)).toBe(150);
    expect(startsPerSecond(inspected)).toBe(6.2);
    expect(() => fullLengthSeconds({ scenarios: {} })).toThrow();
  });
});
