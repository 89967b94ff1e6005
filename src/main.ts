import { getPriority, setPriority } from 'node:os';
import { loadConfig } from './config';
import { ConfigError } from './config/env';
import { loadEnvFile } from './config/env-file';
import { createLogger } from './logger';
import { startService } from './service/start-service';
import { DataDirInUseError } from './store/data-dir-lock';

/** `npm start`: ROLE=all (default) serves webhooks and runs jobs; ROLE=web and ROLE=worker split them. */
async function main(): Promise<void> {
  // A .env file in the working directory is read when present; variables already set win.
  loadEnvFile('.env', process.env);
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
  const nice = config.settings.queue.worker_nice;
  if (config.env.ROLE === 'worker' && nice > 0) {
    // Lowering one's own priority needs no privilege; a platform that refuses is not a reason to stop.
    try {
      setPriority(Math.min(19, getPriority() + nice));
    } catch (err) {
      logger.warn({ err: (err as Error).message, nice }, 'could not lower the worker process priority; running at normal priority');
    }
  }
  const service = await startService({ config, logger });
  const mode = `${service.store.kind} store, ${service.queue.kind} queue, role ${config.env.ROLE}`;
  logger.info({ url: service.url }, `draftpilot listening (${mode})`);
  const lines = [`draftpilot is running (${mode})`];
  if (config.env.ROLE !== 'worker') {
    lines.push(
      `  Zendesk webhook:  ${service.url}/webhooks/zendesk`,
      `  Intercom webhook: ${service.url}/webhooks/intercom`,
      `  deliveries:       ${service.url}/api/deliveries  (Authorization: Bearer $ADMIN_TOKEN)`,
      `  drafts:           ${service.url}/api/drafts`,
      `  Zendesk install:  ${service.url}/oauth/zendesk/start?subdomain=<your subdomain>`,
    );
  }
  lines.push(`  health:           ${service.url}/healthz  ${service.url}/readyz`, '');
  process.stdout.write(lines.join('\n'));
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
  if (err instanceof ConfigError || err instanceof DataDirInUseError) {
    process.stderr.write(`draftpilot: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`draftpilot: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
