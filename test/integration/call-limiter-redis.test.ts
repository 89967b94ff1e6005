import { Redis } from 'ioredis';
import { TenantCallLimiter } from '../../src/limits/call-limiter';
import { describeWithRedis } from '../helpers/services';

describeWithRedis('the per-tenant call limiter shared through Redis', () => {
  const connections: Redis[] = [];
  const connect = (url = process.env.REDIS_URL!) => {
    const r = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    r.on('error', () => undefined);
    connections.push(r);
    return r;
  };
  afterAll(() => connections.forEach((c) => c.disconnect()));
  const prefix = `dptest${Math.random().toString(36).slice(2, 8)}`;

  it('two processes draw from one count per tenant', async () => {
    const [a, b] = [connect(), connect()];
    await Promise.all([a, b].map((r) => new Promise((resolve) => (r.status === 'ready' ? resolve(null) : r.once('ready', resolve)))));
    const make = (redis: Redis) => new TenantCallLimiter({ redis, keyPrefix: prefix, limitOf: async () => 60, maxWaitMs: 50 });
    const [one, two] = [make(a), make(b)];
    // 10 calls a window in all: five from each process, then both are refused
    for (let i = 0; i < 5; i++) {
      await one.take('zendesk:shared', 'zendesk');
      await two.take('zendesk:shared', 'zendesk');
    }
    await expect(one.take('zendesk:shared', 'zendesk')).rejects.toMatchObject({ status: 429 });
    await expect(two.take('zendesk:shared', 'zendesk')).rejects.toMatchObject({ status: 429 });
    // another tenant has its own count
    await one.take('zendesk:other', 'zendesk');
  });

  it('with Redis away, each process counts in memory instead of stopping the calls', async () => {
    const away = connect('redis://127.0.0.1:1');
    const limiter = new TenantCallLimiter({ redis: away, keyPrefix: prefix, limitOf: async () => 12, maxWaitMs: 50 });
    await limiter.take('zendesk:offline', 'zendesk');
    await limiter.take('zendesk:offline', 'zendesk');
    await expect(limiter.take('zendesk:offline', 'zendesk')).rejects.toMatchObject({ status: 429 });
  });
});
