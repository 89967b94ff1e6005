import path from 'node:path';
import { loadConfig, Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { randomSecret } from '../../src/service/random-secret';
import { Service, ServiceOptions, startService } from '../../src/service/start-service';
import type { Settings } from '../../src/config/settings';
import { signIntercom } from '../../src/edge/intercom/verify';
import { signZendesk } from '../../src/edge/zendesk/verify';
import { createDatabase, freshDataDir, removeDir } from './databases';

export const ROOT = path.resolve(__dirname, '../..');
/** draftpilot's own users in the helpdesks, as the test service is configured: its writes carry them */
export const TEST_ZENDESK_BOT_USER_ID = 9000000001;
export const TEST_INTERCOM_ADMIN_ID = '9000002';

export interface TestServiceOptions {
  store?: 'pglite' | 'postgres';
  queue?: 'inline' | 'bullmq';
  env?: Record<string, string>;
  settings?: (s: Settings) => void;
  /** reuse a data dir or database, e.g. to restart on the same store */
  dataDir?: string;
  databaseUrl?: string;
  queuePrefix?: string;
  onThread?: ServiceOptions['onThread'];
  now?: () => Date;
}

export interface PostOptions {
  headers?: Record<string, string>;
  secret?: string;
  at?: Date;
  contentType?: string;
}

export class TestService {
  constructor(
    readonly service: Service,
    readonly config: Config,
    readonly zendeskSecret: string,
    readonly intercomSecret: string,
    readonly dataDir: string | undefined,
    readonly databaseUrl: string | undefined,
    readonly queuePrefix: string,
    private readonly cleanup: () => Promise<void>,
  ) {}

  get url(): string {
    return this.service.url;
  }

  async postZendesk(body: unknown, options: PostOptions = {}): Promise<Response> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const signed = signZendesk(raw, options.secret ?? this.zendeskSecret, options.at ?? new Date());
    return this.post('zendesk', raw, { ...signed, ...options.headers }, options.contentType);
  }

  async postIntercom(body: unknown, options: PostOptions = {}): Promise<Response> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const signed = signIntercom(raw, options.secret ?? this.intercomSecret);
    return this.post('intercom', raw, { ...signed, ...options.headers }, options.contentType);
  }

  post(provider: string, raw: string | Buffer, headers: Record<string, string>, contentType = 'application/json'): Promise<Response> {
    return fetch(`${this.url}/webhooks/${provider}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: raw });
  }

  /** Waits until no delivery is pending (the queue has done its work). */
  async waitIdle(timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.service.inbox.countByStatus();
      if (!counts.received && !counts.queued && !counts.stored) return;
      if (Date.now() > deadline) throw new Error(`deliveries still pending after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Shuts the service down; removes the store unless `keepStore`. */
  async close(keepStore = false): Promise<void> {
    await this.service.shutdown();
    if (!keepStore) await this.cleanup();
  }
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const zendeskSecret = randomSecret();
  const intercomSecret = randomSecret();
  let dataDir = options.dataDir;
  let databaseUrl = options.databaseUrl;
  let cleanup = async () => undefined as void;
  if ((options.store ?? 'pglite') === 'postgres') {
    if (!databaseUrl) {
      const db = await createDatabase();
      databaseUrl = db.url;
      cleanup = db.drop;
    }
  } else if (!dataDir) {
    dataDir = freshDataDir();
    const dir = dataDir;
    cleanup = async () => removeDir(dir);
  }
  const useRedis = options.queue === 'bullmq';
  if (useRedis && !process.env.REDIS_URL) throw new Error('REDIS_URL is not set');
  const queuePrefix = options.queuePrefix ?? `dpt${process.pid}${Math.random().toString(36).slice(2, 8)}`;
  const env: Record<string, string> = {
    PORT: '0',
    CONFIG_FILE: path.join(ROOT, 'config', 'default.yaml'),
    ZENDESK_SUBDOMAIN: 'acme',
    ZENDESK_WEBHOOK_SECRETS: zendeskSecret,
    ZENDESK_BOT_USER_ID: String(TEST_ZENDESK_BOT_USER_ID),
    INTERCOM_CLIENT_SECRETS: intercomSecret,
    INTERCOM_ADMIN_ID: TEST_INTERCOM_ADMIN_ID,
    ADMIN_TOKEN: 'test-admin-token-0123456789',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(useRedis ? { REDIS_URL: process.env.REDIS_URL! } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  config.settings.queue.backoff_ms = 50;
  config.settings.queue.relay_interval_ms = 500;
  config.settings.shutdown.grace_ms = 3000;
  options.settings?.(config.settings);
  const service = await startService({
    config,
    logger: createLogger(config.env.LOG_LEVEL),
    queuePrefix,
    ...(options.onThread ? { onThread: options.onThread } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return new TestService(service, config, zendeskSecret, intercomSecret, dataDir, databaseUrl, queuePrefix, cleanup);
}
