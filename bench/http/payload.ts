// The one JSON answer every HTTP variant sends for GET /bench, so only the server stack differs.
export const BENCH_PATH = '/bench';
export const PAYLOAD = {
  id: 'golden-retriever-001',
  name: 'Buddy',
  category: 'dog',
  price: 1200,
  in_stock: true,
  tags: ['good_with_children', 'high_energy'],
} as const;
