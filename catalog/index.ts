export * from './services.ts';
export * from './metrics.ts';
export * from './thresholds.ts';
export * from './products.ts';
export * from './journey.ts';
export * from './cluster.ts';
export * from './slo.ts';
export * from './profiles.ts';
