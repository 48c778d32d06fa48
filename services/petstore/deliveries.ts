// Delivery scheduling for confirmed orders: a date and a window the customer picks within the lead
// time (pets need a handover appointment: 2 days; supplies ship next day) and 30 days ahead.
// Stored in the storefront's database, so every replica sees them and they survive restarts.
import { PETS } from '../../catalog/products.ts';
import { conflict, unprocessable, type Database } from '../kit/index.ts';
import type { DeliveryBody } from './contract.ts';

export const PET_LEAD_DAYS = 2;
export const SUPPLY_LEAD_DAYS = 1;
export const BOOKING_HORIZON_DAYS = 30;
const DAY_MS = 86_400_000;
const PET_IDS = new Set(PETS.map((p) => p.id));

export interface OrderForDelivery {
  order_id: string;
  status: string;
  created_at: string;
  items: { product_id: string; quantity: number }[];
}

export interface Delivery {
  delivery_id: string;
  order_id: string;
  date: string;
  window: DeliveryBody['window'];
  instructions: string | null;
  scheduled_at: string;
  reschedules: number;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const startOfDay = (iso: string): number => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);

export function deliveryWindow(order: OrderForDelivery, now: number): { earliest: string; latest: string } {
  const lead = order.items.some((i) => PET_IDS.has(i.product_id)) ? PET_LEAD_DAYS : SUPPLY_LEAD_DAYS;
  return {
    earliest: day(startOfDay(order.created_at) + lead * DAY_MS),
    latest: day(startOfDay(new Date(now).toISOString()) + BOOKING_HORIZON_DAYS * DAY_MS),
  };
}

/** Where a scheduled delivery stands on a given day. */
export function deliveryStatus(d: Delivery, now: number): 'scheduled' | 'out_for_delivery' | 'delivered' {
  const today = day(now);
  return today < d.date ? 'scheduled' : today === d.date ? 'out_for_delivery' : 'delivered';
}

interface DeliveryRow {
  order_id: string;
  delivery_id: string;
  delivery_date: string;
  time_window: DeliveryBody['window'];
  instructions: string | null;
  scheduled_at: Date;
  reschedules: number;
}

const fromRow = (r: DeliveryRow): Delivery => ({
  delivery_id: r.delivery_id,
  order_id: r.order_id,
  date: r.delivery_date,
  window: r.time_window,
  instructions: r.instructions,
  scheduled_at: r.scheduled_at.toISOString(),
  reschedules: r.reschedules,
});

export class DeliverySchedule {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async get(orderId: string): Promise<Delivery | undefined> {
    const { rows } = await this.db.query<DeliveryRow>(
      'SELECT * FROM petstore_deliveries WHERE order_id = $1',
      [orderId],
    );
    return rows[0] && fromRow(rows[0]);
  }

  /** Schedules (or reschedules) the delivery of a confirmed order; throws 409/422 naming the problem. */
  async schedule(
    order: OrderForDelivery,
    body: DeliveryBody,
    now = Date.now(),
  ): Promise<{ delivery: Delivery; rescheduled: boolean }> {
    if (order.status !== 'confirmed') {
      throw conflict(
        'order_not_confirmed',
        `order ${order.order_id} is ${order.status}: only confirmed orders can be delivered`,
      );
    }
    const { earliest, latest } = deliveryWindow(order, now);
    if (body.date < earliest || body.date > latest) {
      throw unprocessable(
        'delivery_date_out_of_range',
        `date ${body.date} is outside the delivery range ${earliest} .. ${latest} for order ${order.order_id}`,
        { earliest, latest },
      );
    }
    const { rows } = await this.db.query<DeliveryRow>(
      `INSERT INTO petstore_deliveries (order_id, delivery_id, delivery_date, time_window, instructions, scheduled_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (order_id) DO UPDATE SET delivery_date = EXCLUDED.delivery_date, time_window = EXCLUDED.time_window,
         instructions = EXCLUDED.instructions, scheduled_at = EXCLUDED.scheduled_at,
         reschedules = petstore_deliveries.reschedules + 1
       RETURNING *`,
      [
        order.order_id,
        `DLV-${order.order_id.slice(4)}`,
        body.date,
        body.window,
        body.instructions ?? null,
        new Date(now),
      ],
    );
    const delivery = fromRow(rows[0] as DeliveryRow);
    return { delivery, rescheduled: delivery.reschedules > 0 };
  }
}
