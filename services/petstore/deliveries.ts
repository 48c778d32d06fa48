// Delivery scheduling for confirmed orders: a date and a window the customer picks within the lead
// time (pets need a handover appointment: 2 days; supplies ship next day) and 30 days ahead.
// Kept in memory: the storefront has no database (catalog: stateful false). Per replica, bounded.
import { PETS } from '../../catalog/products.ts';
import { conflict, unprocessable } from '../kit/index.ts';
import type { DeliveryBody } from './schemas.ts';

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

export class DeliverySchedule {
  private readonly byOrder = new Map<string, Delivery>();
  private readonly capacity: number;

  constructor(capacity = 50_000) {
    this.capacity = capacity;
  }

  get(orderId: string): Delivery | undefined {
    return this.byOrder.get(orderId);
  }

  /** Schedules (or reschedules) the delivery of a confirmed order; throws 409/422 naming the problem. */
  schedule(
    order: OrderForDelivery,
    body: DeliveryBody,
    now = Date.now(),
  ): { delivery: Delivery; rescheduled: boolean } {
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
    const previous = this.byOrder.get(order.order_id);
    const delivery: Delivery = {
      delivery_id: `DLV-${order.order_id.slice(4)}`,
      order_id: order.order_id,
      date: body.date,
      window: body.window,
      instructions: body.instructions ?? null,
      scheduled_at: new Date(now).toISOString(),
      reschedules: previous ? previous.reschedules + 1 : 0,
    };
    if (!previous && this.byOrder.size >= this.capacity)
      this.byOrder.delete(this.byOrder.keys().next().value as string);
    this.byOrder.set(order.order_id, delivery);
    return { delivery, rescheduled: previous !== undefined };
  }
}
