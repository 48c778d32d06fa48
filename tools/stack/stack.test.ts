import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../../catalog/index.ts';
import { startWaves } from './stack.ts';

describe('startWaves', () => {
  it('starts every service after the services it calls', () => {
    expect(startWaves(SERVICE_NAMES)).toEqual([
      ['payment', 'inventory', 'ml-advisor'],
      ['order'],
      ['petstore'],
    ]);
  });

  it('ignores callees that are not part of the stack', () => {
    expect(startWaves(['order', 'petstore'])).toEqual([['order'], ['petstore']]);
    expect(startWaves(['inventory'])).toEqual([['inventory']]);
  });
});
