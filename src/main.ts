import { loadConfig } from './config';
import { ConfigError } from './config/env';
import { createLogger } from './logger';
import { startService } from './service';

/** `npm start`: ROLE=all (default) serves webhooks and runs jobs; ROLE=web and ROLE=worker split them. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`draftpilot: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.env.LOG_LEVEL);
  const service = await startService({ config, logger });
  const mode = `${service.store.kind} store, ${service.queue.kind} queue, role ${config.env.ROLE}`;
  logger.info({ url: service.url }, `draftpilot listening (${mode})`);
  process.stdout.write(
    [
      `draftpilot is running (${mode})`,
      `  Zendesk webhook:  ${service.url}/webhooks/zendesk`,
      `  Intercom webhook: ${service.url}/webhooks/intercom`,
      `  health:           ${service.url}/healthz  ${service.url}/readyz`,
      `  deliveries:       ${service.url}/api/deliveries  (Authorization: Bearer $ADMIN_TOKEN)`,
      '',
    ].join('\n'),
  );
  let signalled = false;
  const stop = (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'signal received');
    service.shutdown().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`draftpilot: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
