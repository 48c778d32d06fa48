// The kit's answer to invalid input: 400 when a request part does not match its schema (what the
// OpenAPI document says), 422 when it does and only a refinement the document cannot state refused it.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Api } from './api.ts';
import { operation } from './contract.ts';
import { errorMiddleware } from './errors.ts';

const range = operation({
  method: 'get',
  path: '/range',
  summary: 'a range whose ends are numbers, low <= high',
  query: z
    .strictObject({ low: z.coerce.number(), high: z.coerce.number() })
    .refine((q) => q.low <= q.high, { message: 'low must not exceed high', path: ['low'] }),
  responses: { 200: 'the range', 422: 'low exceeds high' },
});

let url = '';
let close = (): void => {};
beforeAll(async () => {
  const api = new Api();
  api.route({ ...range, handler: ({ query }) => ({ body: query }) });
  const app = express();
  api.mount(app);
  app.use(errorMiddleware({ error() {} }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((ready) => server.once('listening', ready));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

async function get(query: string): Promise<{ status: number; message: string }> {
  const res = await fetch(`${url}/range?${query}`);
  const body = (await res.json()) as { message?: string };
  return { status: res.status, message: body.message ?? '' };
}

describe('validation answers', () => {
  it('accepts a valid request', async () => {
    expect((await get('low=1&high=2')).status).toBe(200);
  });

  it('answers 400 when a part does not match its schema', async () => {
    expect(await get('low=x&high=2')).toMatchObject({ status: 400, message: /query\.low/ });
    expect(await get('low=1&high=2&extra=1')).toMatchObject({ status: 400, message: /extra/ });
  });

  it('answers 422 when the schema matches and a refinement refuses it', async () => {
    expect(await get('low=3&high=2')).toMatchObject({
      status: 422,
      message: /query\.low: low must not exceed high/,
    });
  });
});
