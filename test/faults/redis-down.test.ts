import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from '../helpers/global-setup';
import { zendeskComment } from '../helpers/fixtures';
import { describeWithPostgres, describeWithRedisServer } from '../helpers/services';
import { startTestService } from '../helpers/test-service';

function hasBinary(): string {
  return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ?? 'redis-server';
}

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(hasBinary(), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  return waitFor(port, true).then(() => child);
}

async function waitFor(port: number, up: boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (open === up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis on ${port} did not become ${up ? 'reachable' : 'unreachable'}`);
}

// Needs the redis-server binary to stop and restart a server of its own; CI installs it.
describeWithRedisServer('Redis stopped or unreachable', () => {
  it('records the delivery, answers 202, and the dispatcher enqueues it once Redis is back; nothing lost, nothing doubled', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const processed: string[] = [];
    const t = await startTestService({
      queue: 'bullmq',
      env: { REDIS_URL: `redis://127.0.0.1:${port}` },
      onThread: async (thread) => void processed.push(thread.id),
    });
    try {
      redis.kill('SIGKILL');
      await waitFor(port, false);
      const body = zendeskComment({ ticketId: '9001' });
      const res = await t.postZendesk(body);
      expect(res.status).toBe(202);
      const row = await t.service.store.db.selectFrom('deliveries').selectAll().where('delivery_id', '=', body.id).executeTakeFirstOrThrow();
      expect(row.status).toBe('received');
      expect((await fetch(`${t.url}/readyz`)).status).toBe(503);

      redis = await startRedis(port);
      // the dispatcher's next pass (after its retry delay) hands the delivery to the queue
      await t.waitIdle();
      const after = await t.service.store.db.selectFrom('deliveries').selectAll().where('delivery_id', '=', body.id).execute();
      expect(after).toHaveLength(1);
      expect(after[0]!.status).toBe('done');
      expect(processed).toEqual(['9001']);
    } finally {
      await t.close();
      redis.kill('SIGKILL');
    }
  });
});

// A ROLE=web process needs only PostgreSQL to accept: the workers' dispatcher enqueues.
describeWithPostgres('a web process while Redis is away', () => {
  it('is ready, answers 202 and keeps the delivery received for the workers', async () => {
    const deadPort = await freePort(); // nothing listens there
    const t = await startTestService({ store: 'postgres', queue: 'bullmq', env: { ROLE: 'web', REDIS_URL: `redis://127.0.0.1:${deadPort}` } });
    try {
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok' } });
      const body = zendeskComment({ ticketId: '9101' });
      const res = await t.postZendesk(body);
      expect(res.status).toBe(202);
      const row = await t.service.store.db.selectFrom('deliveries').select(['status']).where('delivery_id', '=', body.id).executeTakeFirstOrThrow();
      expect(row.status).toBe('received');
      expect(t.service.dispatcher).toBeUndefined();
    } finally {
      await t.close();
    }
  }, 20_000);
});
