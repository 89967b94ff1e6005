import { AccountDirectory } from '../accounts/account-directory';
import { registerZendeskInstall } from '../accounts/zendesk-install';
import { TokenCipher } from '../helpdesk/zendesk/token-cipher';
import { intercomOauthRoutes } from '../http/intercom-oauth-routes';
import { zendeskAuthFor } from './zendesk-credentials';
import { startCallLimits } from './call-limits';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config';
import { credentialsWithoutAccount } from '../config/accounts';
import { ConfigError } from '../config/env';
import { describe } from '../domain/errors';
import type { Provider, Thread } from '../domain/thread';
import type { ProviderEdge } from '../edge/provider-edge';
import { DbTokenStore } from '../helpdesk/zendesk/db-token-store';
import { DbStateUses } from '../helpdesk/zendesk/state-uses';
import { createApp } from '../http/create-app';
import type { Probe } from '../http/health-routes';
import { oauthRoutes } from '../http/oauth-routes';
import { dashboardRoutes, requireDashboardAdmin } from '../dashboard/dashboard-routes';
import { queueBoardRoutes } from '../dashboard/queue-board';
import { Inbox, StoredDelivery } from '../inbox/inbox';
import { BullmqQueue } from '../jobs/bullmq-queue';
import { Dispatcher } from '../jobs/dispatcher';
import { InlineQueue } from '../jobs/inline-queue';
import type { JobQueue } from '../jobs/queue';
import { Relay } from '../jobs/relay';
import type { KnowledgeBase } from '../knowledge/knowledge-base';
import type { Logger } from '../logger';
import { openStore, Store } from '../store/open-store';
import { buildEdges } from './edges';
import { intercomApp } from './intercom-app';
import { settingsDefaultsOf } from './settings-defaults';
import { startWorker, WorkerSide } from './start-worker';
import { zendeskAppRouter } from './zendesk-app';
import { LiveModes } from '../lifecycle/live-modes';
import type { LifecycleDeps } from '../lifecycle/category-lifecycle';
import { lifecycleAfterReview } from '../lifecycle/after-review';
import { startDigestSchedule } from '../digest/weekly-digest';
import { queueFigures } from '../inbox/queue-figures';
import { startPeriodic } from '../jobs/periodic';
import { prunePass } from '../retention/prune';
import { setQueueCollector } from '../metrics/metrics';

/** Connections a report reads on at once on PostgreSQL (of the pool's ten). */
const REPORT_READERS = 3;

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  now?: () => Date;
  /** BullMQ key prefix; tests isolate themselves with their own */
  queuePrefix?: string;
  onThread?: (thread: Thread, deliveries: StoredDelivery[]) => Promise<void>;
}

export interface Service {
  url: string;
  port: number;
  store: Store;
  inbox: Inbox;
  queue: JobQueue;
  relay?: Relay;
  /** PostgreSQL + BullMQ mode, job-running processes: moves received deliveries into the queue */
  dispatcher?: Dispatcher;
  /** the tenants' help centers (worker processes) */
  knowledge?: KnowledgeBase;
  edges: Record<Provider, ProviderEdge>;
  /** SIGTERM: stop accepting, finish in-flight requests and jobs within the grace period. */
  shutdown(): Promise<void>;
}

/** The composition root shared by `npm start`, the demo and the tests. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, logger } = options;
  const { env, settings } = config;
  const now = options.now ?? (() => new Date());
  const role = env.ROLE;
  const serveWebhooks = role !== 'worker';
  const runWorker = role !== 'web';

  if (credentialsWithoutAccount(config.zendesk)) {
    throw new ConfigError(
      'ZENDESK_SUBDOMAIN: Zendesk credentials are set but ZENDESK_SUBDOMAIN is not; it names the account (the tenant zendesk:<subdomain>). ZENDESK_BASE_URL only changes where the API calls go.',
    );
  }
  const store = await openStore({ ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}), dataDir: env.DATA_DIR });
  const inbox = new Inbox(store.db, settings.inbox.batch_max_rows, store.kind === 'pglite' ? 1 : 2);
  const policy = {
    attempts: settings.queue.attempts,
    backoffMs: settings.queue.backoff_ms,
    // PGlite has one connection: parallel jobs would only wait for each other, batches share it well.
    concurrency: store.kind === 'pglite' ? 1 : settings.queue.concurrency,
    batchSize: settings.queue.batch_size,
    batchWaitMs: settings.queue.batch_wait_ms,
  };
  const queue: JobQueue = env.REDIS_URL
    ? new BullmqQueue({ ...policy, redisUrl: env.REDIS_URL, prefix: options.queuePrefix ?? env.QUEUE_PREFIX, keepCompleted: settings.queue.keep_completed }, logger)
    : new InlineQueue(policy, logger);
  // Every account served: the environment's and the OAuth installs, read again every accounts.refresh_ms.
  const tokenStore = new DbTokenStore(store.db);
  const accounts = new AccountDirectory({ config, db: store.db, tokens: tokenStore, envZendeskAuth: zendeskAuthFor(config, tokenStore, logger), refreshMs: settings.accounts.refresh_ms, logger });
  const accountsTimer = accounts.startRefresh();
  const edges = buildEdges(config, () => accounts.zendeskWebhookSecrets());
  if (queue instanceof BullmqQueue && !(await queue.connect())) {
    logger.warn('Redis did not answer at start; deliveries are recorded and the dispatcher enqueues them when it does');
  }
  const settingsDefaults = settingsDefaultsOf(config);
  // the queue gauges of /metrics read the deliveries table when scraped
  const removeCollector = setQueueCollector(() => queueFigures(store.db, now()));
  // every helpdesk call made for a tenant waits for the tenant's call limiter
  const stopCallLimits = startCallLimits(config, store.db, logger);
  // One cache of the stored category modes per process: a change made here applies to its next message.
  const lifecycle: LifecycleDeps = { db: store.db, defaults: settingsDefaults, settings: settings.lifecycle, modes: new LiveModes(store.db, settings.lifecycle.mode_cache_ms), now, logger };
  const afterReview = lifecycleAfterReview(lifecycle);
  const worker: WorkerSide | undefined = runWorker
    ? await startWorker({ config, logger, now, db: store.db, inbox, queue, edges, accounts, modes: lifecycle.modes, afterReview, ...(options.onThread ? { onThread: options.onThread } : {}) })
    : undefined;
  if (queue.kind === 'inline') {
    // The embedded queue lives in memory over the inbox table: a restart resumes what was not done.
    const pending = await inbox.pendingThreads({ limit: 100_000 });
    for (const t of pending) await queue.enqueue(t);
    if (pending.length > 0) logger.info({ threads: pending.length }, 'resumed deliveries left pending by the last run');
  }
  // A report on PostgreSQL may read on a few connections at once, all in one snapshot (the readiness
  // report reads tenants in parallel); PGlite has one connection.
  const reportReaders = store.kind === 'postgres' ? REPORT_READERS : 1;
  const reports = { db: store.db, defaults: settingsDefaults, lifecycle: settings.lifecycle, now, readers: reportReaders };
  // The weekly digest: every job-running process checks; the digests table lets one of them post.
  const digest =
    runWorker && env.DIGEST_WEBHOOK_URL
      ? startDigestSchedule({ reports, settings: settings.digest, url: env.DIGEST_WEBHOOK_URL, ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}), logger, now })
      : undefined;
  // Retention: job-running processes prune old deliveries, drafts and threads (deletes are idempotent),
  // a minute after start (a start is busy enough) and then every interval_hours.
  const retention = runWorker ? startPeriodic('retention pass', settings.retention.interval_hours * 3_600_000, () => prunePass(store.db, settings.retention, now(), logger), logger, 60_000) : undefined;
  let relay: Relay | undefined;
  let dispatcher: Dispatcher | undefined;
  if (queue.kind === 'bullmq' && runWorker) {
    // Web processes write the inbox and answer; job-running processes move deliveries into the queue.
    dispatcher = new Dispatcher(store.db, queue, { intervalMs: settings.queue.dispatch_interval_ms, batch: settings.queue.dispatch_batch, retryMs: settings.queue.relay_interval_ms, tenantQueuedMax: settings.queue.tenant_queued_max }, logger);
    await dispatcher.start();
    relay = new Relay(inbox, queue, { intervalMs: settings.queue.relay_interval_ms, afterMs: settings.queue.relay_after_ms, windowMs: settings.queue.relay_window_hours * 3_600_000, statuses: ['queued', 'stored'] }, logger, now);
    relay.start();
  }

  let draining = false;
  // A ROLE=web process of the BullMQ mode accepts deliveries with the store alone (the dispatcher in
  // the workers enqueues them): Redis being away does not make it unready.
  const usesQueue = runWorker || queue.kind === 'inline';
  const probes: Probe[] = [{ name: 'store', check: () => store.ping() }, ...(usesQueue ? [{ name: 'queue', check: () => queue.ping() }] : [])];
  const dashboard = { db: store.db, ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}), secret: config.appSession.secret, sessionTtlSeconds: env.DASHBOARD_SESSION_TTL_SECONDS, now, defaults: settingsDefaults, lifecycle: settings.lifecycle, reportReaders };
  const app = createApp({
    ...(serveWebhooks ? { edges, inbox, queue } : {}),
    logger,
    now,
    maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
    bodyTimeoutMs: settings.webhooks.body_timeout_ms,
    ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}),
    probes,
    isDraining: () => draining,
    db: store.db,
    appSessionSecret: config.appSession.secret,
    settingsDefaults,
    lifecycle,
    afterReview,
    reportReaders,
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    digest: { settings: settings.digest, ...(env.DIGEST_WEBHOOK_URL ? { url: env.DIGEST_WEBHOOK_URL } : {}), ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}) },
    ...(config.zendesk.tenant ? { defaultTenant: config.zendesk.tenant } : {}),
    onAccountsChanged: () => accounts.invalidate(),
    routers: [
      oauthRoutes({
        clientId: env.ZENDESK_OAUTH_CLIENT_ID,
        clientSecret: env.ZENDESK_OAUTH_CLIENT_SECRET,
        encryptionKey: env.APP_ENCRYPTION_KEY,
        publicUrl: env.PUBLIC_URL,
        tokens: tokenStore,
        stateUses: new DbStateUses(store.db),
        ...(config.zendesk.subdomain ? { defaultSubdomain: config.zendesk.subdomain } : {}),
        onInstalled: async (tenant, granted) => {
          const outcome = await registerZendeskInstall(store.db, { tenant, ...granted }, { cipher: TokenCipher.fromBase64Key(env.APP_ENCRYPTION_KEY), publicUrl: env.PUBLIC_URL!, now: now() });
          accounts.invalidate();
          logger.info({ account: tenant, webhook: outcome.webhook, ...(outcome.detail ? { detail: outcome.detail } : {}) }, 'zendesk account set up');
          return outcome.webhook === 'failed' ? `Its webhook could not be created (${outcome.detail}): an admin can run npx draftpilot setup zendesk, or install again.` : `Its webhook is ${outcome.webhook}; new tickets are drafted for from now on.`;
        },
        logger,
      }),
      intercomOauthRoutes({
        clientId: env.INTERCOM_OAUTH_CLIENT_ID,
        clientSecret: env.INTERCOM_OAUTH_CLIENT_SECRET,
        encryptionKey: env.APP_ENCRYPTION_KEY,
        publicUrl: env.PUBLIC_URL,
        apiBaseUrl: config.intercom.baseUrl,
        db: store.db,
        tokens: tokenStore,
        stateUses: new DbStateUses(store.db),
        onInstalled: () => accounts.invalidate(),
        logger,
      }),
      zendeskAppRouter(config, store.db, logger, now, accounts, lifecycle, dashboard),
      intercomApp(config, store.db, logger, now, settingsDefaults, lifecycle, accounts, afterReview),
      // before the dashboard's pages: the board is a script page with a policy of its own
      queueBoardRoutes(queue, requireDashboardAdmin(dashboard)),
      dashboardRoutes(dashboard),
    ],
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = createServer(app).listen(env.PORT, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 5000;
  // Node's own limits, for everything that is not a webhook body: headers within 10 s, a whole request
  // within the body timeout and a margin (its default is five minutes).
  server.requestTimeout = settings.webhooks.body_timeout_ms + 5_000;
  server.headersTimeout = Math.min(10_000, server.requestTimeout);
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      draining = true;
      const grace = settings.shutdown.grace_ms;
      const deadline = Date.now() + grace;
      logger.info({ graceMs: grace }, 'shutting down: no new requests, finishing in-flight work');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const forced = setTimeout(() => server.closeAllConnections(), grace).unref();
      await closed;
      clearTimeout(forced);
      for (const timer of worker?.timers ?? []) clearInterval(timer);
      clearInterval(accountsTimer);
      await digest?.stop();
      await retention?.stop();
      await dispatcher?.stop();
      await relay?.stop();
      await inbox.drain();
      await queue.close(Math.max(0, deadline - Date.now()));
      removeCollector();
      stopCallLimits();
      await store.close().catch((err) => logger.warn({ err: describe(err) }, 'store close failed'));
      logger.info('stopped');
    })());

  return { url: `http://127.0.0.1:${port}`, port, store, inbox, queue, ...(relay ? { relay } : {}), ...(dispatcher ? { dispatcher } : {}), ...(worker ? { knowledge: worker.knowledge } : {}), edges, shutdown };
}
