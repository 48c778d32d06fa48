// Process entry for a service: telemetry first (it must patch node:http before express loads it),
// then the service itself, and SIGTERM/SIGINT handling that drains before exit.
import type { ServiceName } from '../../catalog/index.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startTelemetry } from './telemetry.ts';

export async function bootstrap(name: ServiceName, load: () => Promise<{ default: unknown }>): Promise<void> {
  let base;
  try {
    base = loadConfig(name, {});
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const telemetry = startTelemetry({
    service: name,
    version: base.SERVICE_VERSION,
    endpoint: base.OTEL_EXPORTER_OTLP_ENDPOINT,
    samplingRatio: base.OTEL_TRACES_SAMPLER_ARG,
  });
  const { startService } = await import('./service.ts');
  const def = (await load()).default as Parameters<typeof startService>[0];
  let service;
  try {
    service = await startService(def);
  } catch (err) {
    process.stderr.write(`${name} failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    await telemetry.shutdown();
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
  const stop = async (signal: string): Promise<void> => {
    service.logger.info({ signal }, 'signal received');
    await service.close();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
