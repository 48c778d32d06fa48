// Payment: idempotent charges (fraud check -> bank call), refunds, and voids for saga compensation.
// Routes: a named handler per operation of contract.ts in routes.ts; ROUTES below is the table.
import { fileURLToPath } from 'node:url';
import { defineService } from '../kit/index.ts';
import { AUDIT_EVENTS, paymentConfig } from './config.ts';
import { PaymentStore } from './payment-store.ts';
import {
  charge,
  exportPayments,
  getPayment,
  listPayments,
  refund,
  voidPayment,
  type Payments,
} from './routes.ts';
import { PaymentSimulation } from './simulation.ts';

const ROUTES: readonly ((p: Payments) => void)[] = [
  charge, //          POST /payments
  listPayments, //    GET  /payments?order_id=
  exportPayments, //  GET  /export/payments
  getPayment, //      GET  /payments/{id}
  refund, //          POST /payments/{id}/refund
  voidPayment, //     POST /payments/void
];

export default defineService({
  name: 'payment',
  config: paymentConfig,
  auditEvents: AUDIT_EVENTS,
  migrationsDir: fileURLToPath(new URL('./migrations', import.meta.url)),
  setup(kit) {
    const { db, audit, metrics, faults, config, every } = kit;
    const store = new PaymentStore(db);
    const sim = new PaymentSimulation(faults, metrics, config.FRAUD_MAX_AMOUNT);
    const payments = metrics.counter('payments');

    const recoverStale = async (): Promise<void> => {
      for (const row of await store.failStale(config.PAYMENT_STALE_MS)) {
        payments.inc({ outcome: 'failed' });
        audit.emit(
          'payment_recovered',
          { payment_id: row.id, order_id: row.order_id, resolution: 'failed' },
          'recovery',
        );
      }
    };
    every(Math.max(1000, Math.floor(config.PAYMENT_STALE_MS / 2)), 'fail-stale-payments', recoverStale);

    for (const declare of ROUTES) declare({ kit, store, sim });
    return { beforeReady: recoverStale };
  },
});
