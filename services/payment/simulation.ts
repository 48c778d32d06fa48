// The deliberate bottlenecks of the enterprise demo, simulated: a fraud check that takes 500-1500 ms
// for payments over $1000, and a bank API with 100-800 ms latency. Both run in spans, emit timed audit
// events (the analytics plugin reads them) and metrics. Decline, error and reject rates are faults.
import { FRAUD_CHECK_THRESHOLD_DOLLARS } from '../../catalog/index.ts';
import { Faults, withSpan } from '../kit/index.ts';
import type { Metrics } from '../kit/metrics.ts';

export interface FraudResult {
  outcome: 'passed' | 'rejected';
  reason?: string;
  durationMs: number;
}

export interface BankResult {
  outcome: 'approved' | 'declined' | 'error';
  durationMs: number;
}

export class PaymentSimulation {
  private readonly faults: Faults;
  private readonly metrics: Metrics;
  private readonly maxAmountDollars: number;

  constructor(faults: Faults, metrics: Metrics, maxAmountDollars: number) {
    this.faults = faults;
    this.metrics = metrics;
    this.maxAmountDollars = maxAmountDollars;
  }

  async fraudCheck(amountDollars: number): Promise<FraudResult> {
    const started = performance.now();
    const result = await withSpan(
      'payment.fraud_check',
      { 'payment.amount': amountDollars },
      async (span) => {
        const deep = amountDollars > FRAUD_CHECK_THRESHOLD_DOLLARS;
        span.setAttribute('fraud.deep_check', deep);
        if (deep) await this.faults.delay(Faults.between(500, 1500));
        if (amountDollars > this.maxAmountDollars) {
          return {
            outcome: 'rejected' as const,
            reason: `amount exceeds the single-payment limit of $${this.maxAmountDollars}`,
          };
        }
        if (this.faults.fires('fraud_reject'))
          return { outcome: 'rejected' as const, reason: 'flagged by fraud rules (injected)' };
        return { outcome: 'passed' as const };
      },
    );
    const durationMs = performance.now() - started;
    this.metrics.counter('fraudChecks').inc({ outcome: result.outcome });
    this.metrics.histogram('fraudCheckDuration').observe({ outcome: result.outcome }, durationMs / 1000);
    return { ...result, durationMs };
  }

  async bankCall(amountDollars: number): Promise<BankResult> {
    const started = performance.now();
    const outcome = await withSpan('payment.bank_call', { 'payment.amount': amountDollars }, async (span) => {
      await this.faults.delay(Faults.between(100, 800));
      const o = this.faults.fires('bank_error')
        ? 'error'
        : this.faults.fires('decline')
          ? 'declined'
          : 'approved';
      span.setAttribute('bank.outcome', o);
      return o;
    });
    const durationMs = performance.now() - started;
    this.metrics.counter('bankCalls').inc({ outcome });
    this.metrics.histogram('bankCallDuration').observe({ outcome }, durationMs / 1000);
    return { outcome, durationMs };
  }
}
