// The customer journey as the storefront sees it: every step (health -> ... -> track_order) is timed
// and ends with an outcome, written as one audit line and into the journey metrics. Journeys are keyed
// by correlation ID (chosen by the client at the first step); a bounded in-memory log answers
// GET /journeys/{id} and drives the conversion figures of this replica.
import { currentContext } from '../kit/context.ts';
import { HttpError } from '../kit/index.ts';
import type { AuditLog } from '../kit/audit.ts';
import type { Metrics } from '../kit/metrics.ts';

export const JOURNEY_STEPS = [
  'health',
  'ml_recommendations',
  'browse_pets',
  'pet_details',
  'create_order',
  'process_payment',
  'schedule_delivery',
  'track_order',
] as const;
export type JourneyStep = (typeof JOURNEY_STEPS)[number];

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

export class Journeys {
  private readonly log = new Map<string, JourneyRecord>();
  private readonly audit: AuditLog<JourneyAuditEvent>;
  private readonly metrics: Metrics;
  private readonly capacity: number;
  private started = 0;
  private converted = 0;

  constructor(opts: { audit: AuditLog<JourneyAuditEvent>; metrics: Metrics; capacity: number }) {
    this.audit = opts.audit;
    this.metrics = opts.metrics;
    this.capacity = opts.capacity;
    this.metrics.gauge('journeyConversion').set({}, 0);
  }

  get(correlationId: string): JourneyRecord | undefined {
    return this.log.get(correlationId);
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
      this.finish(correlationId, step, outcome, durationMs, errorType, fields);
    }
  }

  private finish(
    correlationId: string,
    step: JourneyStep,
    outcome: StepOutcome,
    durationMs: number,
    errorType: string | undefined,
    fields: Record<string, unknown>,
  ): void {
    const journey = this.journey(correlationId);
    if (typeof fields.customer_id === 'string') journey.customer_id = fields.customer_id;
    if (typeof fields.order_id === 'string' && !journey.order_ids.includes(fields.order_id))
      journey.order_ids.push(fields.order_id);
    const at = new Date().toISOString();
    journey.steps.push({
      step,
      outcome,
      duration_ms: durationMs,
      at,
      ...(errorType ? { error_type: errorType } : {}),
    });
    if (journey.steps.length > 200) journey.steps.shift();
    this.metrics.counter('journeySteps').inc({ step, outcome });
    this.metrics.histogram('journeyStepDuration').observe({ step, outcome }, durationMs / 1000);
    this.audit.emit('journey_step', {
      ...fields,
      step,
      step_number: journey.steps.length,
      operation: step,
      duration_ms: durationMs,
      // The analytics plugin counts only failures as errors; a degraded step still served the customer.
      outcome: outcome === 'failure' ? 'failure' : 'success',
      step_outcome: outcome,
      ...(errorType ? { error_type: errorType } : {}),
    });
    if (step === 'create_order' && outcome === 'success' && !journey.converted) {
      journey.converted = true;
      this.converted += 1;
      this.metrics.counter('journeysConverted').inc();
      this.publishConversion();
      this.audit.emit('journey_converted', {
        customer_id: journey.customer_id,
        order_id: fields.order_id,
        steps_before_order: journey.steps.length,
      });
    }
  }

  private journey(correlationId: string): JourneyRecord {
    let journey = this.log.get(correlationId);
    if (!journey) {
      journey = {
        correlation_id: correlationId,
        started_at: new Date().toISOString(),
        customer_id: null,
        converted: false,
        order_ids: [],
        steps: [],
      };
      // Oldest first out: memory stays bounded however many journeys pass through.
      if (this.log.size >= this.capacity) this.log.delete(this.log.keys().next().value as string);
      this.log.set(correlationId, journey);
      this.started += 1;
      this.metrics.counter('journeysStarted').inc();
      this.publishConversion();
    }
    return journey;
  }

  private publishConversion(): void {
    this.metrics
      .gauge('journeyConversion')
      .set({}, this.started === 0 ? 0 : Math.round((this.converted / this.started) * 10_000) / 10_000);
  }

  conversion(): { started: number; converted: number; ratio: number } {
    return {
      started: this.started,
      converted: this.converted,
      ratio: this.started === 0 ? 0 : Math.round((this.converted / this.started) * 10_000) / 10_000,
    };
  }
}
