import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { intercomEdge } from '../edge/intercom/intercom-edge';
import { zendeskEdge } from '../edge/zendesk/zendesk-edge';
import type { ProviderEdge } from '../edge/provider-edge';
import type { Provider, Thread } from '../domain/thread';
import type { Config } from '../config';
import { describe } from '../domain/errors';
import { createApp } from '../http/create-app';
import type { Probe } from '../http/health-routes';
import { Inbox, StoredDelivery } from '../inbox/inbox';
import { BullmqQueue } from '../jobs/bullmq-queue';
import { InlineQueue } from '../jobs/inline-queue';
import type { JobQueue } from '../jobs/queue';
import { Relay } from '../jobs/relay';
import { Dispatcher } from '../jobs/dispatcher';
import type { Logger } from '../logger';
import { createThreadProcessor } from '../threads/fold-deliveries';
import { openStore, Store } from '../store/open-store';
import { ConfigError } from '../config/env';
import { loadCategories } from '../config/rule-files';
import { createDrafter } from '../drafting/drafter';
import { loadEscalation } from '../config/rule-files';
import { KnowledgeIndex } from '../knowledge/knowledge-index';
import { ConfiguredSource, configuredSources, KnowledgeBase, resolverOf } from '../knowledge/knowledge-base';
import { ThreadLoader } from '../helpdesk/load-thread';
import type { HelpdeskWriter } from '../delivery/delivery-port';

type Writers = Partial<Record<Provider, HelpdeskWriter>>;
import { intercomWriterFromEnv } from '../delivery/intercom/intercom-writer';
import { routeDelivery } from '../delivery/route-delivery';
import { DbTokenStore } from '../helpdesk/zendesk/db-token-store';
import { oauthRoutes } from '../http/oauth-routes';
import { ZendeskAuth, zendeskAuthFromEnv } from '../helpdesk/zendesk/oauth';
import { DbMacroStore, MacroStore } from '../delivery/zendesk/macro-store';
import { MacroJanitor, startMacroJanitor } from '../delivery/zendesk/macro-janitor';
import type { TokenStore } from '../helpdesk/zendesk/token-store';
import { ZendeskWriter } from '../delivery/zendesk/zendesk-writer';
import { createModel, defaultModelName } from '../model/create-model';

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

export function buildEdges(config: Config): Record<Provider, ProviderEdge> {
  const { env, settings } = config;
  return {
    zendesk: zendeskEdge({
      secrets: env.ZENDESK_WEBHOOK_SECRETS,
      toleranceSeconds: env.ZENDESK_SIGNATURE_TOLERANCE_SECONDS,
      ...(env.ZENDESK_SUBDOMAIN ? { subdomain: env.ZENDESK_SUBDOMAIN } : {}),
      ...(env.ZENDESK_BOT_USER_ID ? { botUserId: env.ZENDESK_BOT_USER_ID } : {}),
    }),
    intercom: intercomEdge({
      secrets: env.INTERCOM_CLIENT_SECRETS,
      maxAgeSeconds: settings.webhooks.intercom_max_event_age_seconds,
      ...(env.INTERCOM_ADMIN_ID ? { adminId: env.INTERCOM_ADMIN_ID } : {}),
    }),
  };
}

/** The composition root shared by `npm start`, the demo and the tests. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, logger } = options;
  const { env, settings } = config;
  const now = options.now ?? (() => new Date());
  const role = env.ROLE;
  const serveWebhooks = role !== 'worker';
  const runWorker = role !== 'web';

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
  const edges = buildEdges(config);
  let knowledge: KnowledgeBase | undefined;
  let syncTimer: NodeJS.Timeout | undefined;
  let janitorTimer: NodeJS.Timeout | undefined;
  if (queue instanceof BullmqQueue && !(await queue.connect())) {
    logger.warn('Redis did not answer at start; deliveries are recorded and the dispatcher enqueues them when it does');
  }

  if (runWorker) {
    // Zendesk's credentials, built once: the writer, the thread loader and the help-center sync share
    // one token provider (a static token, or OAuth client credentials granted and renewed in one place).
    const zendeskAuth = zendeskAuthOf(config, new DbTokenStore(store.db), logger);
    const configured = await helpCenterSources(config, logger, zendeskAuth);
    knowledge = readConfig('KNOWLEDGE_DIR', () => new KnowledgeBase({ db: store.db, sources: resolverOf(configured), knowledgeDir: env.KNOWLEDGE_DIR, now }));
    const kb = knowledge;
    const drafting = loadDrafting(config, logger, kb.fallback);
    syncTimer = startKnowledgeSync(kb, configured, settings.knowledge.sync_interval_minutes, logger);
    const macroStore = new DbMacroStore(store.db);
    const writers = buildWriters(config, configured, zendeskAuth, logger, macroStore);
    janitorTimer = startJanitor(config, writers.zendeskAuth, macroStore, logger);
    const deliver = routeDelivery(writers.live, { shadowWriters: writers.shadow, shadowTenants: env.SHADOW_TENANTS });
    const drafter = createDrafter({
      db: store.db,
      deliver,
      knowledge: (tenant) => kb.forTenant(tenant),
      model: drafting.model,
      categories: () => drafting.categories,
      rules: drafting.rules,
      sourcesLimit: settings.drafting.sources_limit,
      logger,
      now,
    });
    const intercomTenant = configured.find((c) => c.tenant.startsWith('intercom:'))?.tenant;
    const loader = ThreadLoader.fromEnv(env, { ...(intercomTenant ? { intercomTenant } : {}), ...(zendeskAuth ? { zendeskAuth } : {}) });
    const process = createThreadProcessor({ db: store.db, inbox, edges, logger, now, afterStore: drafter, loader, ...(options.onThread ? { onThread: options.onThread } : {}) });
    await queue.startWorker(
      async (jobs) => {
        await process(jobs);
      },
      async (job, error, attempts) => {
        const pending = await inbox.pendingForThreads([job]);
        await inbox.markFailed(pending.map((d) => d.id), describe(error), attempts);
        const what = pending.length > 0 ? `${pending.length} deliveries moved to the dead-letter set` : 'the thread is stored, its draft step failed';
        logger.error({ tenant: job.tenant, provider: job.provider, threadId: job.threadId, attempts, err: describe(error) }, `job failed for good; ${what}`);
      },
    );
  }
  if (queue.kind === 'inline') {
    // The embedded queue lives in memory over the inbox table: a restart resumes what was not done.
    const pending = await inbox.pendingThreads({ limit: 100_000 });
    for (const t of pending) await queue.enqueue(t);
    if (pending.length > 0) logger.info({ threads: pending.length }, 'resumed deliveries left pending by the last run');
  }
  let relay: Relay | undefined;
  let dispatcher: Dispatcher | undefined;
  if (queue.kind === 'bullmq' && runWorker) {
    // Web processes write the inbox and answer; job-running processes move deliveries into the queue.
    dispatcher = new Dispatcher(store.db, queue, { intervalMs: settings.queue.dispatch_interval_ms, batch: settings.queue.dispatch_batch, retryMs: settings.queue.relay_interval_ms }, logger);
    await dispatcher.start();
    relay = new Relay(inbox, queue, { intervalMs: settings.queue.relay_interval_ms, afterMs: settings.queue.relay_after_ms, windowMs: settings.queue.relay_window_hours * 3_600_000 }, logger, now);
    relay.start();
  }

  let draining = false;
  // A ROLE=web process of the BullMQ mode accepts deliveries with the store alone (the dispatcher in
  // the workers enqueues them): Redis being away does not make it unready.
  const usesQueue = runWorker || queue.kind === 'inline';
  const probes: Probe[] = [{ name: 'store', check: () => store.ping() }, ...(usesQueue ? [{ name: 'queue', check: () => queue.ping() }] : [])];
  const app = createApp({
    ...(serveWebhooks ? { edges, inbox, queue } : {}),
    logger,
    now,
    maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
    ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}),
    probes,
    isDraining: () => draining,
    db: store.db,
    routers: [
      oauthRoutes({
        clientId: env.ZENDESK_OAUTH_CLIENT_ID,
        clientSecret: env.ZENDESK_OAUTH_CLIENT_SECRET,
        encryptionKey: env.APP_ENCRYPTION_KEY,
        publicUrl: env.PUBLIC_URL,
        tokens: new DbTokenStore(store.db),
        ...(env.ZENDESK_SUBDOMAIN ? { defaultSubdomain: env.ZENDESK_SUBDOMAIN } : {}),
        logger,
      }),
    ],
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = createServer(app).listen(env.PORT, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 5000;
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
      clearInterval(syncTimer);
      clearInterval(janitorTimer);
      await dispatcher?.stop();
      await relay?.stop();
      await inbox.drain();
      await queue.close(Math.max(0, deadline - Date.now()));
      await store.close().catch((err) => logger.warn({ err: describe(err) }, 'store close failed'));
      logger.info('stopped');
    })());

  return { url: `http://127.0.0.1:${port}`, port, store, inbox, queue, ...(relay ? { relay } : {}), ...(dispatcher ? { dispatcher } : {}), ...(knowledge ? { knowledge } : {}), edges, shutdown };
}

/** Categories, escalation rules, help-center articles and the model, read once at start. */
export function loadDrafting(config: Config, logger: Logger, fallbackIndex: KnowledgeIndex) {
  const { env } = config;
  const categories = readConfig('CATEGORIES_FILE', () => loadCategories(env.CATEGORIES_FILE));
  const rules = readConfig('ESCALATION_FILE', () => loadEscalation(env.ESCALATION_FILE));
  const model = readConfig('DRAFT_MODEL', () => createModel(defaultModelName(env), { rules, index: fallbackIndex, env: process.env }));
  logger.info({ markdownArticles: fallbackIndex.size, categories: categories.categories.length, model: model.name }, 'drafting ready');
  return { categories, rules, model };
}

/** A file named by a setting that cannot be read is a configuration error naming that setting. */
function readConfig<T>(setting: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${setting}: ${describe(err)}`);
  }
}

/** The Zendesk credentials (static token or OAuth client credentials), or undefined when none are set. */
function zendeskAuthOf(config: Config, tokens: TokenStore, logger: Logger): ZendeskAuth | undefined {
  return readConfig('ZENDESK_ACCESS_TOKEN', () =>
    zendeskAuthFromEnv({ ...config.env } as unknown as Record<string, string | undefined>, { store: tokens, onWarning: (m) => logger.warn(m) }),
  );
}

/**
 * The helpdesk writers. Shadow mode (decide and record, write nothing) when SHADOW_MODE=true or when a
 * helpdesk's credentials are not set; the would-be writes are stored with each draft.
 */
function buildWriters(config: Config, configured: ConfiguredSource[], zendeskAuth: ZendeskAuth | undefined, logger: Logger, macroStore: MacroStore): { live: Writers; shadow: Writers; zendeskAuth: ZendeskAuth | undefined } {
  const { env } = config;
  const pending = config.settings.delivery.zendesk.pending_macros;
  const zendeskWriter = (shadow: boolean) =>
    new ZendeskWriter({
      shadow: shadow || !zendeskAuth,
      ...(zendeskAuth ? { access: zendeskAuth } : {}),
      ...(env.ZENDESK_ESCALATION_GROUP_ID ? { escalationGroupId: env.ZENDESK_ESCALATION_GROUP_ID } : {}),
      ...(env.ZENDESK_SUBDOMAIN ? { tenant: `zendesk:${env.ZENDESK_SUBDOMAIN}` } : {}),
      ...(env.ZENDESK_BOT_USER_ID ? { botUserId: env.ZENDESK_BOT_USER_ID } : {}),
      macros: { store: macroStore, policy: pending, ttlMs: pending.ttl_hours * 3_600_000, maxPerAccount: pending.max_per_account },
    });
  const intercomTenant = configured.find((c) => c.tenant.startsWith('intercom:'))?.tenant;
  const intercomWriter = (shadow: boolean) =>
    intercomWriterFromEnv(env, {
      shadow,
      maxCallsPerMessage: config.settings.delivery.intercom.max_calls_per_message,
      ...(env.INTERCOM_ESCALATION_TEAM_ID ? { escalationTeamId: env.INTERCOM_ESCALATION_TEAM_ID } : {}),
      ...(intercomTenant ? { tenant: intercomTenant } : {}),
    });
  logger.info(
    {
      zendesk: env.SHADOW_MODE || !zendeskAuth ? 'shadow' : 'live',
      intercom: env.SHADOW_MODE || !env.INTERCOM_ACCESS_TOKEN || !env.INTERCOM_ADMIN_ID ? 'shadow' : 'live',
      shadowTenants: env.SHADOW_TENANTS,
    },
    'helpdesk delivery',
  );
  const liveIntercom = intercomWriter(env.SHADOW_MODE);
  // One GET /tags at start, so a delivery does not spend its call budget creating a tag that exists.
  liveIntercom.loadTags().then(
    (n) => n > 0 && logger.info({ tags: n }, 'intercom tag ids loaded'),
    (err) => logger.warn({ err: describe(err) }, 'intercom tags could not be listed; a missing tag id is asked for when first used'),
  );
  return {
    live: { zendesk: zendeskWriter(env.SHADOW_MODE), intercom: liveIntercom },
    shadow: { zendesk: zendeskWriter(true), intercom: intercomWriter(true) },
    zendeskAuth,
  };
}

/**
 * The pending-macro janitor of the configured Zendesk account: only when macros can exist there (live
 * credentials, the account named, pending-macro mode on for some tenant or category).
 */
function startJanitor(config: Config, access: ZendeskAuth | undefined, store: MacroStore, logger: Logger): NodeJS.Timeout | undefined {
  const { env } = config;
  const pending = config.settings.delivery.zendesk.pending_macros;
  const inUse = pending.enabled || pending.tenants.length > 0 || pending.categories.length > 0;
  if (!access || !env.ZENDESK_SUBDOMAIN || env.SHADOW_MODE || !inUse) return undefined;
  const tenant = `zendesk:${env.ZENDESK_SUBDOMAIN}`;
  if (env.SHADOW_TENANTS.includes(tenant)) return undefined;
  const janitor = new MacroJanitor({ access, store, tenant, ...(env.ZENDESK_BOT_USER_ID ? { botUserId: env.ZENDESK_BOT_USER_ID } : {}) });
  return startMacroJanitor(janitor, pending.sweep_interval_minutes, logger);
}

/** The help centers the credentials reach; a failure to ask Intercom who we are is logged, not fatal. */
async function helpCenterSources(config: Config, logger: Logger, zendeskAuth: ZendeskAuth | undefined): Promise<ConfiguredSource[]> {
  try {
    return await configuredSources(config.env, { zendeskAuth });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    logger.warn({ err: describe(err) }, 'could not reach a helpdesk at start; help-center sync is off until restart');
    return [];
  }
}

/** Syncs every configured help center now and then every intervalMinutes (0: never on a timer). */
function startKnowledgeSync(kb: KnowledgeBase, configured: ConfiguredSource[], intervalMinutes: number, logger: Logger): NodeJS.Timeout | undefined {
  if (configured.length === 0) return undefined;
  const run = () => {
    for (const { tenant } of configured) {
      kb.sync(tenant).then(
        (r) => logger.info({ tenant, source: r.source, added: r.added, updated: r.updated, removed: r.removed, reindexed: r.reindexed }, 'help center synced'),
        (err) => logger.warn({ tenant, err: describe(err) }, 'help-center sync failed; will try again'),
      );
    }
  };
  run();
  if (intervalMinutes === 0) return undefined;
  const timer = setInterval(run, intervalMinutes * 60_000);
  timer.unref();
  return timer;
}

/** A random secret for the demo and tests. */
export function randomSecret(): string {
  return randomBytes(24).toString('base64url');
}
