// A tiny kit service with one JSON route. It borrows the ml-advisor catalog entry (stateless, no
// database) because startService and bootstrap accept only catalog service names.
import { defineService } from '../../services/kit/index.ts';
import { BENCH_PATH, PAYLOAD } from './payload.ts';

export default defineService({
  name: 'ml-advisor',
  config: {},
  auditEvents: [],
  setup({ api }) {
    api.route({
      method: 'get',
      path: BENCH_PATH,
      summary: 'Benchmark route: a constant JSON document',
      responses: { 200: 'the document' },
      handler: () => ({ body: PAYLOAD }),
    });
  },
});
