import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PETS } from '../../catalog/products.ts';
import { badInputCases, ONE_MEGABYTE_JSON } from '../../test/support/bad-input.ts';
import { json } from '../../test/support/store-services.ts';
import { startStorefront, type Storefront } from '../../test/support/storefront.ts';

let s: Storefront;
beforeAll(async () => {
  s = await startStorefront({
    // Fast breaker recovery (open -> closed without waiting 5 s); a generous history budget so a busy
    // machine still sees the order history.
    petstore: { CIRCUIT_HALF_OPEN_MS: '300', ADVISOR_PROBE_MS: '100', HISTORY_BUDGET_MS: '2000' },
    store: { SAGA_RECOVERY_INTERVAL_MS: '100000' },
  });
});
afterAll(() => s.close());

const api = (path: string, init: Parameters<typeof json>[1] = {}) => json(`${s.petstore.url}${path}`, init);
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
type Rec = { pet_id: string; confidence_score: number };

describe('browsing the catalog', () => {
  it('filters by category, price, home and experience, and paginates', async () => {
    const dogs = await api('/pets?category=dog&max_price=1200&sort=price_asc');
    expect(dogs.status).toBe(200);
    const expected = PETS.filter((p) => p.category === 'dog' && p.price <= 1200).sort(
      (a, b) => a.price - b.price,
    );
    expect((dogs.body.pets as { id: string }[]).map((p) => p.id)).toEqual(expected.map((p) => p.id));
    expect(dogs.body.total).toBe(expected.length);

    const flat = await api('/pets?living_situation=apartment&experience=beginner&page_size=50');
    const ids = (flat.body.pets as { id: string }[]).map((p) => p.id);
    expect(ids).toContain('persian-cat-002');
    expect(ids).not.toContain('golden-retriever-001'); // needs a yard
    expect(ids).not.toContain('bearded-dragon-004'); // needs an intermediate keeper

    const page1 = await api('/pets?page_size=7');
    const page3 = await api('/pets?page_size=7&page=3');
    expect(page1.body).toMatchObject({ total: PETS.length, total_pages: 3, page: 1 });
    expect((page3.body.pets as unknown[]).length).toBe(PETS.length - 14);
  });

  it('shows a pet with live stock and price from inventory', async () => {
    const res = await api('/pets/golden-retriever-001');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'golden-retriever-001',
      name: 'Buddy',
      price: 1200,
      stock: { status: 'in_stock' },
    });
    expect((res.body.stock as { available: number }).available).toBeGreaterThan(0);
  });

  it('lists the customer profiles', async () => {
    const res = await api('/profiles');
    const ids = (res.body.profiles as { id: string }[]).map((p) => p.id);
    expect(ids).toEqual(
      expect.arrayContaining(['family-pet-seeker', 'first-time-owner', 'exotic-enthusiast']),
    );
    expect((await api('/profiles/first-time-owner')).body.id).toBe('first-time-owner');
  });
});

describe('the journey', () => {
  it('runs every step under one correlation ID, records outcome and timing of each, and converts', async () => {
    const id = 'TXN-PETSTORE-API-1';
    const h = { 'x-correlation-id': id };
    expect((await api('/status', { headers: h })).body).toMatchObject({ status: 'ok' });
    const recs = await api('/recommendations?customer_id=family-pet-seeker-11&max_results=3', { headers: h });
    expect(recs.body).toMatchObject({
      source: 'ml-advisor',
      fallback_used: false,
      profile_id: 'family-pet-seeker',
    });
    const top = (recs.body.recommendations as Rec[])[0]?.pet_id as string;
    expect((await api('/pets?category=dog', { headers: h })).status).toBe(200);
    expect((await api(`/pets/${top}`, { headers: h })).status).toBe(200);
    const order = await api('/orders', {
      headers: h,
      body: {
        customer_id: 'family-pet-seeker-11',
        items: [
          { product_id: top, quantity: 1 },
          { product_id: 'SUP-LEASH-005', quantity: 1 },
        ],
      },
    });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ status: 'confirmed', correlation_id: id });
    const orderId = String(order.body.order_id);
    const payment = await api(`/orders/${orderId}/payment`, { headers: h });
    expect(payment.body).toMatchObject({ payment: { status: 'captured', amount: order.body.total_amount } });
    const delivery = await api(`/orders/${orderId}/delivery`, {
      headers: h,
      body: { date: inDays(3), window: 'morning' },
    });
    expect(delivery.status).toBe(201);
    expect(delivery.body).toMatchObject({ status: 'scheduled', window: 'morning', date: inDays(3) });
    const tracking = await api(`/orders/${orderId}/tracking`, { headers: h });
    expect(tracking.body).toMatchObject({ status: 'confirmed', delivery: { status: 'scheduled' } });
    expect((tracking.body.timeline as { stage: string }[]).map((t) => t.stage)).toEqual([
      'order_placed',
      'payment_captured',
      'order_confirmed',
      'delivery_scheduled',
      'delivery_expected',
    ]);

    const journey = await api(`/journeys/${id}`);
    const steps = journey.body.steps as { step: string; outcome: string; duration_ms: number }[];
    expect(steps.map((x) => [x.step, x.outcome])).toEqual([
      ['health', 'success'],
      ['ml_recommendations', 'success'],
      ['browse_pets', 'success'],
      ['pet_details', 'success'],
      ['create_order', 'success'],
      ['process_payment', 'success'],
      ['schedule_delivery', 'success'],
      ['track_order', 'success'],
    ]);
    for (const x of steps) expect(x.duration_ms).toBeGreaterThanOrEqual(0);
    expect(journey.body).toMatchObject({
      converted: true,
      customer_id: 'family-pet-seeker-11',
      order_ids: [orderId],
    });

    const metrics = await (await fetch(`${s.petstore.url}/metrics`)).text();
    for (const step of ['health', 'create_order', 'track_order'])
      expect(metrics).toMatch(
        new RegExp(`mmf_journey_steps_total\\{step="${step}",outcome="success",app="petstore"`),
      );
    expect(metrics).toMatch(
      /mmf_journey_step_duration_seconds_count\{app="petstore",version="[^"]+",step="pet_details",outcome="success"\} [1-9]/,
    );
    expect(metrics).toMatch(/mmf_storefront_checkouts_total\{outcome="confirmed",app="petstore"[^}]*\} 1/);
    expect(metrics).toMatch(/mmf_journeys_converted_total\{app="petstore"[^}]*\} 1/);
  });

  it('learns from order history: a pet bought is no longer recommended', async () => {
    const before = await api('/recommendations?customer_id=farm-owner-5&max_results=20');
    expect((before.body.recommendations as Rec[]).map((r) => r.pet_id)).toContain('border-collie-scout-008');
    const bought = await api('/orders', {
      body: { customer_id: 'farm-owner-5', items: [{ product_id: 'border-collie-scout-008', quantity: 1 }] },
    });
    expect(bought.status).toBe(201);
    const after = await api('/recommendations?customer_id=farm-owner-5&max_results=20');
    expect(after.body.order_history_available).toBe(true);
    expect((after.body.recommendations as Rec[]).map((r) => r.pet_id)).not.toContain(
      'border-collie-scout-008',
    );
  });

  it('passes a declined payment through as a failed step, and refuses delivery for the failed order', async () => {
    const id = 'TXN-PETSTORE-DECLINE';
    const order = await api('/orders', {
      headers: { 'x-correlation-id': id, 'x-fault': 'payment.decline' },
      body: { customer_id: 'cust-declined', items: [{ product_id: 'canary-sunny-005', quantity: 1 }] },
    });
    expect(order.status).toBe(402);
    expect(order.body).toMatchObject({ error: 'payment_declined', status: 'failed' });
    const orderId = String(order.body.order_id);
    const payment = await api(`/orders/${orderId}/payment`, { headers: { 'x-correlation-id': id } });
    expect(payment.body).toMatchObject({ payment: { status: 'declined' } });
    const delivery = await api(`/orders/${orderId}/delivery`, {
      headers: { 'x-correlation-id': id },
      body: { date: inDays(3), window: 'evening' },
    });
    expect(delivery.status).toBe(409);
    expect(delivery.body.error).toBe('order_not_confirmed');
    const steps = (await api(`/journeys/${id}`)).body.steps as {
      step: string;
      outcome: string;
      error_type?: string;
    }[];
    expect(steps.map((x) => [x.step, x.outcome, x.error_type])).toEqual([
      ['create_order', 'failure', 'payment_declined'],
      ['process_payment', 'failure', 'payment_declined'],
      ['schedule_delivery', 'failure', 'order_not_confirmed'],
    ]);
  });
});

describe('recommendations when the advisor is slow or down', () => {
  it('answers from the rules within its budget when the advisor is slow', async () => {
    const t = performance.now();
    // 100 s at LATENCY_SCALE 0.01 = 1 s per advisor request: past the 300 ms edge timeout.
    const res = await api('/recommendations?customer_id=slow-1', {
      headers: { 'x-fault': 'ml-advisor.latency_ms=60000' },
    });
    expect(performance.now() - t).toBeLessThan(1000);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      fallback_used: true,
      fallback_reason: 'advisor_timeout',
      source: 'storefront-fallback',
    });
  });

  it('serves fallback recommendations within 1 s with the advisor stopped, opens the circuit, and recovers by itself', async () => {
    await s.stopAdvisor();
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      const res = await api(`/recommendations?customer_id=exotic-enthusiast-${i}`);
      expect(performance.now() - t).toBeLessThan(1000);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        fallback_used: true,
        source: 'storefront-fallback',
        model_version: 'storefront-catalog-picks',
        profile_id: 'exotic-enthusiast',
      });
      // The storefront's own picks fit the profile the customer id names (reptiles and birds).
      const picks = res.body.recommendations as (Rec & { category: string })[];
      expect(picks.length).toBe(5);
      expect(picks.every((r) => r.category === 'reptile' || r.category === 'bird')).toBe(true);
    }
    const status = await api('/status');
    expect(status.body).toMatchObject({
      status: 'degraded',
      dependencies: { 'ml-advisor': { ready: false } },
    });
    const post = await api('/recommendations', { body: { pet_types: ['reptile'], max_recommendations: 2 } });
    expect(post.body).toMatchObject({ fallback_used: true, fallback_reason: 'circuit_open' });
    let metrics = await (await fetch(`${s.petstore.url}/metrics`)).text();
    expect(metrics).toMatch(
      /mmf_circuit_breaker_state\{target="ml-advisor",state="open",app="petstore"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/mmf_recommendation_fallbacks_total\{reason="circuit_open",app="petstore"/);

    await s.restartAdvisor();
    // No customer traffic needed: the storefront's probe half-opens and closes the circuit.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      metrics = await (await fetch(`${s.petstore.url}/metrics`)).text();
      if (
        /mmf_circuit_breaker_state\{target="ml-advisor",state="closed",app="petstore"[^}]*\} 1/.test(metrics)
      )
        break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(metrics).toMatch(
      /mmf_circuit_breaker_state\{target="ml-advisor",state="closed",app="petstore"[^}]*\} 1/,
    );
    const back = await api('/recommendations?customer_id=exotic-enthusiast-9');
    expect(back.body).toMatchObject({ fallback_used: false, source: 'ml-advisor' });
  });
});

describe('when the order service is down', () => {
  it('answers checkout with 503 naming it, and recommendations still answer from the profile alone', async () => {
    await s.store.stop('order');
    try {
      const placed = await api('/orders', {
        body: { customer_id: 'cust-down', items: [{ product_id: 'SUP-HAY-003', quantity: 1 }] },
      });
      expect(placed.status).toBe(503);
      expect(placed.body).toMatchObject({ error: 'dependency_unavailable' });
      expect(String(placed.body.message)).toMatch(/order is unavailable/);
      const recs = await api('/recommendations?customer_id=senior-companion-1');
      expect(recs.status).toBe(200);
      expect(recs.body).toMatchObject({ order_history_available: false, source: 'ml-advisor' });
      const metrics = await (await fetch(`${s.petstore.url}/metrics`)).text();
      expect(metrics).toMatch(/mmf_storefront_checkouts_total\{outcome="unavailable",app="petstore"/);
    } finally {
      await s.store.restart('order');
    }
  });
});

describe('petstore bad input', () => {
  const order = { customer_id: 'cust-bad', items: [{ product_id: 'SUP-LEASH-005', quantity: 1 }] };
  badInputCases(
    () => s.petstore.url,
    [
      {
        name: 'unknown category',
        path: '/pets?category=dragon',
        status: 400,
        message: /category must be one of dog/,
      },
      {
        name: 'max_price not a number',
        path: '/pets?max_price=cheap',
        status: 400,
        message: /max_price must be a number/,
      },
      {
        name: 'negative max_price',
        path: '/pets?max_price=-1',
        status: 400,
        message: /max_price must be >= 0/,
      },
      {
        name: 'min above max price',
        path: '/pets?min_price=900&max_price=100',
        status: 422,
        message: /min_price must not exceed max_price/,
      },
      {
        name: 'unknown living situation',
        path: '/pets?living_situation=boat',
        status: 400,
        message: /living_situation must be one of/,
      },
      {
        name: 'unknown experience',
        path: '/pets?experience=guru',
        status: 400,
        message: /experience must be one of/,
      },
      { name: 'page zero', path: '/pets?page=0', status: 400, message: /page must be >= 1/ },
      {
        name: 'page_size too big',
        path: '/pets?page_size=500',
        status: 400,
        message: /page_size must be between 1 and 50/,
      },
      { name: 'unknown query parameter', path: '/pets?colour=brown', status: 400, message: /colour/ },
      { name: 'unknown sort', path: '/pets?sort=cuteness', status: 400, message: /sort must be one of/ },
      { name: 'bad pet id', path: '/pets/NOT_A_PET!', status: 400, message: /pet id must be/ },
      { name: 'unknown pet', path: '/pets/unicorn-999', status: 404, message: /unknown pet unicorn-999/ },
      {
        name: 'unknown profile',
        path: '/profiles/astronaut',
        status: 404,
        message: /unknown profile astronaut/,
      },
      {
        name: 'recommendations without customer',
        path: '/recommendations',
        status: 400,
        message: /customer_id/,
      },
      {
        name: 'bad customer id',
        path: '/recommendations?customer_id=a%20b',
        status: 400,
        message: /customer_id must be 1-80 characters/,
      },
      {
        name: 'max_results too big',
        path: '/recommendations?customer_id=c1&max_results=50',
        status: 400,
        message: /max_results must be between 1 and 20/,
      },
      {
        name: 'preferences unknown field',
        path: '/recommendations',
        body: { budget: 5 },
        status: 400,
        message: /unknown field\(s\): budget/,
      },
      {
        name: 'preferences bad pet type',
        path: '/recommendations',
        body: { pet_types: ['unicorn'] },
        status: 400,
        message: /pet_types.*must be one of/,
      },
      {
        name: 'checkout malformed JSON',
        path: '/orders',
        body: '{"customer_id":',
        status: 400,
        message: /not valid JSON/,
      },
      {
        name: 'checkout text/plain',
        path: '/orders',
        headers: { 'content-type': 'text/plain' },
        body: 'buy',
        status: 415,
        message: /application\/json/,
      },
      {
        name: 'checkout without items',
        path: '/orders',
        body: { customer_id: 'c1', items: [] },
        status: 400,
        message: /at least one item/,
      },
      {
        name: 'checkout zero quantity',
        path: '/orders',
        body: { ...order, items: [{ product_id: 'SUP-LEASH-005', quantity: 0 }] },
        status: 400,
        message: /quantity must be at least 1/,
      },
      {
        name: 'checkout unknown product',
        path: '/orders',
        body: { ...order, items: [{ product_id: 'NOPE-1', quantity: 1 }] },
        status: 400,
        message: /unknown product 'NOPE-1'/,
      },
      {
        name: 'checkout unknown field',
        path: '/orders',
        body: { ...order, coupon: 'FREE' },
        status: 400,
        message: /coupon/,
      },
      {
        name: 'checkout oversized',
        path: '/orders',
        body: ONE_MEGABYTE_JSON,
        status: 413,
        message: /exceeds the limit/,
      },
      {
        name: 'payment of malformed order id',
        path: '/orders/12345/payment',
        status: 400,
        message: /expected an order id/,
      },
      {
        name: 'payment of unknown order',
        path: '/orders/ORD-000000000000/payment',
        status: 404,
        message: /unknown order ORD-000000000000/,
      },
      {
        name: 'tracking of unknown order',
        path: '/orders/ORD-FFFFFFFFFFFF/tracking',
        status: 404,
        message: /unknown order/,
      },
      {
        name: 'delivery without window',
        path: '/orders/ORD-000000000000/delivery',
        body: { date: inDays(3) },
        status: 400,
        message: /window must be one of morning, afternoon, evening/,
      },
      {
        name: 'delivery impossible date',
        path: '/orders/ORD-000000000000/delivery',
        body: { date: '2026-02-30', window: 'morning' },
        status: 400,
        message: /date must be a calendar date/,
      },
      {
        name: 'delivery date format',
        path: '/orders/ORD-000000000000/delivery',
        body: { date: 'next friday', window: 'morning' },
        status: 400,
        message: /YYYY-MM-DD/,
      },
      {
        name: 'delivery for unknown order',
        path: '/orders/ORD-000000000000/delivery',
        body: { date: inDays(3), window: 'morning' },
        status: 404,
        message: /unknown order/,
      },
      {
        name: 'unknown journey',
        path: '/journeys/TXN-NEVER-SEEN',
        status: 404,
        message: /no journey with correlation ID TXN-NEVER-SEEN/,
      },
      {
        name: 'bad correlation id',
        path: '/pets',
        headers: { 'x-correlation-id': 'spaces are bad' },
        status: 400,
        message: /X-Correlation-ID must be/,
      },
      {
        name: 'unknown fault',
        path: '/pets',
        headers: { 'x-fault': 'petstore.explode' },
        status: 400,
        message: /unknown fault "explode"/,
      },
    ],
  );

  it('refuses a delivery date outside the range, naming the range', async () => {
    const placed = await api('/orders', {
      body: { customer_id: 'cust-range', items: [{ product_id: 'hamster-nibbles-013', quantity: 1 }] },
    });
    expect(placed.status).toBe(201);
    const id = String(placed.body.order_id);
    for (const date of [inDays(0), inDays(45)]) {
      const res = await api(`/orders/${id}/delivery`, { body: { date, window: 'afternoon' } });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        error: 'delivery_date_out_of_range',
        earliest: inDays(2),
        latest: inDays(30),
      });
      expect(String(res.body.message)).toContain(`date ${date} is outside the delivery range`);
    }
    const ok = await api(`/orders/${id}/delivery`, { body: { date: inDays(2), window: 'afternoon' } });
    expect(ok.status).toBe(201);
    const again = await api(`/orders/${id}/delivery`, { body: { date: inDays(4), window: 'evening' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ rescheduled: true, reschedules: 1, date: inDays(4) });
  });
});
