// Deliberate, configurable faults. Three sources, most specific wins:
//   1. environment (FAULT_* variables) — the service's baseline,
//   2. run-time overrides through the admin endpoint (only when ADMIN_ENABLED),
//   3. the per-request header `X-Fault: <service>.<fault>[=<value>], ...` (only when
//      FAULT_HEADERS_ENABLED), forwarded to downstream calls so one test request can fail a deep step.
// FAULTS_ENABLED=false turns every fault off, whatever the sources say (the production profile).
// LATENCY_SCALE multiplies every simulated delay so tests run the same code fast.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { currentContext, type RequestContext } from './context.ts';
import { badRequest } from './errors.ts';

export const FAULT_HEADER = 'x-fault';

/** Fault names and what their value means: probabilities in [0,1], latencies in ms. */
export const FAULT_KINDS = {
  decline: 'probability that the bank declines a payment',
  bank_error: 'probability that the bank API fails with an error',
  fraud_reject: 'probability that the fraud check rejects a payment',
  error: 'probability that a business route answers 500 (injected)',
  unavailable: 'probability that a business route answers 503 (service unavailable)',
  latency_ms: 'extra latency added to every business request, in ms (scaled)',
  model_error: 'probability that the recommendation model throws',
  model_latency_ms: 'extra latency inside the recommendation model, in ms (scaled)',
} as const;
export type FaultKind = keyof typeof FAULT_KINDS;
export type FaultSet = Partial<Record<FaultKind, number>>;

const PROBABILITY = '(?:0(?:\\.[0-9]+)?|1(?:\\.0+)?)';
const MILLISECONDS = '(?:(?:[0-9]{1,4}|[1-5][0-9]{4})(?:\\.[0-9]+)?|60000(?:\\.0+)?)';
const KINDS = Object.keys(FAULT_KINDS);
const ENTRY =
  `[a-z-]+\\.(?:(?:${KINDS.filter((k) => !k.endsWith('_ms')).join('|')})(?:=${PROBABILITY})?` +
  `|(?:${KINDS.filter((k) => k.endsWith('_ms')).join('|')})(?:=${MILLISECONDS})?)`;
/** The X-Fault header as the OpenAPI document states it: every value it admits, parseFaultHeader accepts. */
export const FAULT_HEADER_PATTERN = `^[ \\t]*${ENTRY}[ \\t]*(?:,[ \\t]*${ENTRY}[ \\t]*)*$`;

const kindSchema = z.enum(Object.keys(FAULT_KINDS) as [FaultKind, ...FaultKind[]]);
export const faultSetSchema = z.strictObject(
  Object.fromEntries(
    Object.keys(FAULT_KINDS).map((k) => [
      k,
      (k.endsWith('_ms') ? z.number().min(0).max(60_000) : z.number().min(0).max(1)).optional(),
    ]),
  ) as Record<FaultKind, z.ZodOptional<z.ZodNumber>>,
);

/** Parses an X-Fault header, keeping only this service's entries. Malformed entries are a 400. */
export function parseFaultHeader(header: string, service: string): FaultSet {
  const set: FaultSet = {};
  for (const raw of header.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const match = /^([a-z-]+)\.([a-z_]+)(?:=([0-9.]+))?$/.exec(entry);
    if (!match) throw badRequest(`X-Fault entry "${entry}" is not <service>.<fault>[=<number>]`);
    const [, target, kindRaw, valueRaw] = match;
    const kind = kindSchema.safeParse(kindRaw);
    if (!kind.success) {
      throw badRequest(
        `X-Fault names unknown fault "${kindRaw}"; known: ${Object.keys(FAULT_KINDS).join(', ')}`,
      );
    }
    if (target !== service) continue;
    const value = valueRaw === undefined ? (kind.data.endsWith('_ms') ? 1000 : 1) : Number(valueRaw);
    const checked = faultSetSchema.shape[kind.data].safeParse(value);
    if (!checked.success || Number.isNaN(value))
      throw badRequest(`X-Fault value for ${entry} is out of range`);
    set[kind.data] = value;
  }
  return set;
}

/** Each request's X-Fault header, parsed once: several fault checks read it during one request. */
const parsedHeaders = new WeakMap<RequestContext, FaultSet>();
const NONE: FaultSet = Object.freeze({});

export class Faults {
  private readonly service: string;
  private readonly enabled: boolean;
  readonly headersEnabled: boolean;
  private readonly baseline: FaultSet;
  private overrides: FaultSet = {};
  readonly latencyScale: number;
  private readonly onInjected: (kind: FaultKind) => void;

  constructor(opts: {
    service: string;
    enabled: boolean;
    headersEnabled: boolean;
    baseline: FaultSet;
    latencyScale: number;
    onInjected?: (kind: FaultKind) => void;
  }) {
    this.service = opts.service;
    this.enabled = opts.enabled;
    this.headersEnabled = opts.headersEnabled;
    this.baseline = opts.baseline;
    this.latencyScale = opts.latencyScale;
    this.onInjected = opts.onInjected ?? (() => {});
  }

  /** This service's entries of the current request's X-Fault header; a malformed header is a 400. */
  requestFaults(): FaultSet {
    if (!this.headersEnabled) return NONE;
    const ctx = currentContext();
    if (!ctx?.faultHeader) return NONE;
    let set = parsedHeaders.get(ctx);
    if (!set) {
      set = parseFaultHeader(ctx.faultHeader, this.service);
      parsedHeaders.set(ctx, set);
    }
    return set;
  }

  /** Rolls the dice for a probability fault; counts it when it fires. */
  fires(kind: FaultKind): boolean {
    const p = this.value(kind);
    const hit = p >= 1 || (p > 0 && randomInt(1_000_000) < p * 1_000_000);
    if (hit) this.onInjected(kind);
    return hit;
  }

  /** One fault's value, most specific source first (read on every business request: no merging). */
  value(kind: FaultKind): number {
    if (!this.enabled) return 0;
    return this.requestFaults()[kind] ?? this.overrides[kind] ?? this.baseline[kind] ?? 0;
  }

  setOverrides(set: FaultSet): void {
    this.overrides = { ...set };
  }

  snapshot(): {
    enabled: boolean;
    headers_enabled: boolean;
    latency_scale: number;
    baseline: FaultSet;
    overrides: FaultSet;
  } {
    return {
      enabled: this.enabled,
      headers_enabled: this.headersEnabled,
      latency_scale: this.latencyScale,
      baseline: this.baseline,
      overrides: this.overrides,
    };
  }

  /** Simulated work: sleeps ms * LATENCY_SCALE. */
  async delay(ms: number): Promise<void> {
    const scaled = ms * this.latencyScale;
    if (scaled >= 1) await sleep(scaled);
  }

  /** A uniformly random duration in [min, max] ms, before scaling. */
  static between(min: number, max: number): number {
    return min + randomInt(max - min + 1);
  }
}
