// The customer journey as the storefront sees it: every step (health -> ... -> track_order) is timed
// and ends with an outcome, written as one audit line, into the journey metrics and into the
// storefront's database. Journeys are keyed by correlation ID (chosen by the client at the first
// step); since the steps of one journey may be served by different replicas, GET /journeys/{id} and
// the conversion figures read the shared tables.
import { currentContext } from '../kit/context.ts';
import { HttpError, type Database, type Queryable } from '../kit/index.ts';
import type { AuditLog } from '../kit/audit.ts';
import type { Metrics } from '../kit/metrics.ts';

import type { JourneyStep } from '../../catalog/journey.ts';

export { type JourneyStep } from '../../catalog/journey.ts';

/** degraded: the customer was served, but with a fallback (rules instead of the model, stock unknown). */
export type StepOutcome = 'success' | 'degraded' | 'failure';

export type JourneyAuditEvent = 'journey_step' | 'journey_converted';

export interface StepRecord {
  readonly step: JourneyStep;
  readonly outcome: StepOutcome;
  readonly duration_ms: number;
  readonly at: string;
  readonly error_type?: string;
}

export interface JourneyRecord {
  readonly correlation_id: string;
  readonly started_at: string;
  customer_id: string | null;
  converted: boolean;
  order_ids: string[];
  readonly steps: StepRecord[];
}

/** What a step handler tells the recorder about its result. */
export interface StepNote {
  outcome(o: StepOutcome, errorType?: string): void;
  /** Domain fields for the audit line (customer_id, order_id, pet_id, ...). */
  fields(f: Record<string, unknown>): void;
}

interface StepRow {
  step: JourneyStep;
  outcome: StepOutcome;
  duration_ms: number;
  at: Date;
  error_type: string | null;
  order_id: string | null;
}

export class Journeys {
  private readonly db: Database;
  private readonly audit: AuditLog<JourneyAuditEvent>;
  private readonly metrics: Metrics;

  constructor(opts: { db: Database; audit: AuditLog<JourneyAuditEvent>; metrics: Metrics }) {
    this.db = opts.db;
    this.audit = opts.audit;
    this.metrics = opts.metrics;
  }

  async get(correlationId: string): Promise<JourneyRecord | undefined> {
    const j = await this.db.query<{
      correlation_id: string;
      started_at: Date;
      customer_id: string | null;
      converted: boolean;
    }>('SELECT * FROM petstore_journeys WHERE correlation_id = $1', [correlationId]);
    const journey = j.rows[0];
    if (!journey) return undefined;
    const { rows } = await this.db.query<StepRow>(
      'SELECT step, outcome, duration_ms, at, error_type, order_id FROM petstore_journey_steps WHERE correlation_id = $1 ORDER BY id',
      [correlationId],
    );
    return {
      correlation_id: journey.correlation_id,
      started_at: journey.started_at.toISOString(),
      customer_id: journey.customer_id,
      converted: journey.converted,
      order_ids: [...new Set(rows.map((r) => r.order_id).filter((id): id is string => id !== null))],
      steps: rows.map((r) => ({
        step: r.step,
        outcome: r.outcome,
        duration_ms: r.duration_ms,
        at: r.at.toISOString(),
        ...(r.error_type ? { error_type: r.error_type } : {}),
      })),
    };
  }

  /** Runs one journey step: times it, records the outcome (an HttpError thrown is a failure), rethrows. */
  async step<T>(step: JourneyStep, run: (note: StepNote) => Promise<T>): Promise<T> {
    const correlationId = currentContext()?.correlationId ?? 'none';
    const started = performance.now();
    let outcome: StepOutcome = 'success';
    let errorType: string | undefined;
    const fields: Record<string, unknown> = {};
    const note: StepNote = {
      outcome(o, e) {
        outcome = o;
        errorType = e;
      },
      fields(f) {
        Object.assign(fields, f);
      },
    };
    try {
      return await run(note);
    } catch (err) {
      outcome = 'failure';
      errorType = err instanceof HttpError ? err.code : 'internal_error';
      throw err;
    } finally {
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      await this.finish(correlationId, step, outcome, durationMs, errorType, fields);
    }
  }

  private async finish(
    correlationId: string,
    step: JourneyStep,
    outcome: StepOutcome,
    durationMs: number,
    errorType: string | undefined,
    fields: Record<string, unknown>,
  ): Promise<void> {
    const customerId = typeof fields.customer_id === 'string' ? fields.customer_id : null;
    const orderId = typeof fields.order_id === 'string' ? fields.order_id : null;
    const converts = step === 'create_order' && outcome === 'success';
    const { isNew, stepNumber, converted } = await this.db.transaction(async (tx) => {
      const journey = await tx.query<{ inserted: boolean }>(
        `INSERT INTO petstore_journeys (correlation_id, customer_id) VALUES ($1, $2)
         ON CONFLICT (correlation_id) DO UPDATE SET customer_id = COALESCE(EXCLUDED.customer_id, petstore_journeys.customer_id)
         RETURNING (xmax = 0) AS inserted`,
        [correlationId, customerId],
      );
      const n = await tx.query<{ n: number }>(
        `INSERT INTO petstore_journey_steps (correlation_id, step, outcome, duration_ms, error_type, order_id)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING (SELECT count(*) FROM petstore_journey_steps WHERE correlation_id = $1) + 1 AS n`,
        [correlationId, step, outcome, durationMs, errorType ?? null, orderId],
      );
      const conversion = converts ? await markConverted(tx, correlationId) : false;
      return {
        isNew: journey.rows[0]?.inserted === true,
        stepNumber: n.rows[0]?.n ?? 1,
        converted: conversion,
      };
    });
    if (isNew) this.metrics.counter('journeysStarted').inc();
    this.metrics.counter('journeySteps').inc({ step, outcome });
    this.metrics.histogram('journeyStepDuration').observe({ step, outcome }, durationMs / 1000);
    this.audit.emit('journey_step', {
      ...fields,
      step,
      step_number: stepNumber,
      operation: step,
      duration_ms: durationMs,
      // The analytics plugin counts only failures as errors; a degraded step still served the customer.
      outcome: outcome === 'failure' ? 'failure' : 'success',
      step_outcome: outcome,
      ...(errorType ? { error_type: errorType } : {}),
    });
    if (converted) {
      this.metrics.counter('journeysConverted').inc();
      this.audit.emit('journey_converted', {
        customer_id: customerId,
        order_id: orderId,
        steps_before_order: stepNumber,
      });
    }
  }

  /** Journeys started and converted across all replicas (the shared tables). */
  async conversion(): Promise<{ started: number; converted: number; ratio: number }> {
    const { rows } = await this.db.query<{ started: number; converted: number }>(
      'SELECT count(*) AS started, count(*) FILTER (WHERE converted) AS converted FROM petstore_journeys',
    );
    const { started = 0, converted = 0 } = rows[0] ?? {};
    return {
      started,
      converted,
      ratio: started === 0 ? 0 : Math.round((converted / started) * 10_000) / 10_000,
    };
  }

  async publishConversion(): Promise<void> {
    this.metrics.gauge('journeyConversion').set({}, (await this.conversion()).ratio);
  }

  /** Forgets journeys older than the retention period (their steps go with them). */
  async prune(retentionHours: number): Promise<number> {
    const r = await this.db.query(
      'DELETE FROM petstore_journeys WHERE started_at < now() - make_interval(hours => $1)',
      [retentionHours],
    );
    return r.rowCount;
  }
}

/** True only for the step that converts the journey (first confirmed order). */
async function markConverted(tx: Queryable, correlationId: string): Promise<boolean> {
  const r = await tx.query(
    'UPDATE petstore_journeys SET converted = true WHERE correlation_id = $1 AND NOT converted',
    [correlationId],
  );
  return r.rowCount === 1;
}
