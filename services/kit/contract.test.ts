// What the OpenAPI document states beyond each operation's own table: fault headers and the 500 of
// the error fault only where the service runs with them, links only to operations it has.
import { describe, expect, it } from 'vitest';
import { openapiDocument, operation } from './contract.ts';
import { FAULT_HEADER_PATTERN, parseFaultHeader } from './faults.ts';

const info = { title: 't', version: '1', description: 'd' };
const create = operation({
  method: 'post',
  path: '/things',
  summary: 'create',
  business: true,
  responses: { 201: 'created' },
  links: { 201: { GetThing: { operation: 'GET /things/:id', parameters: { id: '$response.body#/id' } } } },
});
const get = operation({
  method: 'get',
  path: '/things/:id',
  summary: 'get',
  responses: { 200: 'the thing' },
});

type Doc = {
  paths: Record<
    string,
    Record<string, { parameters: { name: string }[]; responses: Record<string, object> }>
  >;
};

describe('the OpenAPI document', () => {
  it('states X-Fault and the 500 of the error fault only when the service runs with them', () => {
    const off = openapiDocument(info, [create, get]) as Doc;
    const on = openapiDocument(info, [create, get], { faults: true, faultHeader: true }) as Doc;
    const names = (d: Doc) => d.paths['/things']?.post?.parameters.map((p) => p.name);
    expect(names(off)).not.toContain('X-Fault');
    expect(names(on)).toContain('X-Fault');
    expect(Object.keys(off.paths['/things']?.post?.responses ?? {})).not.toContain('500');
    expect(Object.keys(on.paths['/things']?.post?.responses ?? {})).toContain('500');
    // Not on a route that is not a business route (faults do not apply there).
    expect(on.paths['/things/{id}']?.get?.parameters.map((p) => p.name)).not.toContain('X-Fault');
  });

  it('writes links as operationRefs and refuses a link to an operation it does not have', () => {
    const doc = openapiDocument(info, [create, get]) as Doc;
    expect(doc.paths['/things']?.post?.responses['201']).toMatchObject({
      links: {
        GetThing: { operationRef: '#/paths/~1things~1{id}/get', parameters: { id: '$response.body#/id' } },
      },
    });
    expect(() => openapiDocument(info, [create])).toThrow(/link to GET \/things\/:id: no such operation/);
  });

  it('admits in the X-Fault pattern only headers the service accepts', () => {
    const pattern = new RegExp(FAULT_HEADER_PATTERN);
    const valid = ['t.error', 't.error=0.25, t.latency_ms=1500', 'other.unavailable=1', 't.latency_ms=60000'];
    for (const header of valid) {
      expect(pattern.test(header), header).toBe(true);
      expect(() => parseFaultHeader(header, 't'), header).not.toThrow();
    }
    const invalid = ['t.error=1.5', 't.latency_ms=60001', 't.nothing', 't.error=1.2.3', 'T.error'];
    for (const header of invalid) expect(pattern.test(header), header).toBe(false);
  });
});
