import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { markerFor } from '../../src/domain/marker';
import { signZendesk } from '../../src/edge/zendesk/verify';
import { Child, Children, waitFor, zendeskChildEnv } from '../helpers/child-service';
import { createDatabase, removeDir } from '../helpers/databases';
import { zendeskComment } from '../helpers/fixtures';
import { freePort } from '../helpers/global-setup';
import { describeWithPostgres, hasRedisServerBinary } from '../helpers/services';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';

/**
 * The PostgreSQL + BullMQ mode as it is deployed: a ROLE=web and a ROLE=worker process, each a child
 * process, on a database and a Redis server of the test's own, against a Zendesk stand-in. Faults while
 * deliveries are in flight: Redis killed and started again mid-run, the worker killed with SIGKILL in
 * the middle of a job (right after Zendesk applied a write whose answer is then lost), a new worker
 * started. Every delivery must end done and every ticket with exactly one draftpilot note.
 */
const SECRET = 'faults-test-secret-0123456789';
const ADMIN_TOKEN = 'faults-test-admin-token-0123456789';
const ACCESS_TOKEN = 'zd-faults-test-token';
const BOT_USER_ID = 9200000001;
const START_MS = 20_000;
const EXIT_MS = 15_000;
const SETTLE_MS = 45_000;
const TICKETS = 30;

function startRedis(port: number): Promise<ChildProcess> {
  const bin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ?? 'redis-server';
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  return portState(port, true).then(() => child);
}

async function portState(port: number, up: boolean): Promise<void> {
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const s = connect(port, '127.0.0.1', () => {
          s.end();
          resolve(up);
        });
        s.on('error', () => resolve(!up));
      }),
    10_000,
    `redis on ${port} to be ${up ? 'up' : 'down'}`,
  );
}

const gate = hasRedisServerBinary ? describeWithPostgres : describe.skip;

gate('faults in the PostgreSQL + BullMQ mode (web and worker processes)', () => {
  jest.setTimeout(120_000);
  const children = new Children(EXIT_MS);
  const standIn = new ZendeskStandIn({ botUserId: BOT_USER_ID, token: ACCESS_TOKEN });
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let redisPort: number;
  let redis: ChildProcess | undefined;
  let tmp: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    await standIn.start();
    db = await createDatabase();
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-faults-'));
    // quick retries (200 ms, doubling) and a relay that looks again every second
    const settings = parse(readFileSync(path.resolve(__dirname, '../../config/default.yaml'), 'utf8')) as { queue: Record<string, unknown> };
    Object.assign(settings.queue, { backoff_ms: 200, attempts: 8, relay_interval_ms: 1000, relay_after_ms: 3000, worker_nice: 0 });
    writeFileSync(path.join(tmp, 'draftpilot.yaml'), stringify(settings));
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      QUEUE_PREFIX: `faults${process.pid}`,
      APP_SESSION_SECRET: 'faults-test-app-session-secret-0123456789',
      ...zendeskChildEnv({ secret: SECRET, botUserId: BOT_USER_ID, accessToken: ACCESS_TOKEN, standInUrl: standIn.baseUrl, adminToken: ADMIN_TOKEN, configFile: path.join(tmp, 'draftpilot.yaml') }),
    };
  });
  afterAll(async () => {
    await children.killAll();
    redis?.kill('SIGKILL');
    await standIn.stop();
    await db?.drop();
    if (tmp) removeDir(tmp);
  });

  const post = (web: Child, ticketId: string) => {
    const raw = JSON.stringify(zendeskComment({ ticketId, text: `Where is my order for ticket ${ticketId}? Order 55${ticketId}.` }));
    return fetch(`${web.url}/webhooks/zendesk`, { method: 'POST', headers: { 'content-type': 'application/json', ...signZendesk(raw, SECRET) }, body: raw });
  };
  const api = async <T>(child: Child, what: string): Promise<T> => (await (await fetch(`${child.url}/api/${what}?limit=500`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as T;

  it('Redis restarted and the worker SIGKILLed mid-job: every delivery processed, one note per ticket', async () => {
    const web = await children.start({ ...env, ROLE: 'web' }, START_MS);
    let worker = await children.start({ ...env, ROLE: 'worker' }, START_MS);
    const tickets = Array.from({ length: TICKETS }, (_, i) => String(7300 + i));
    for (const id of tickets) standIn.addTicket(id, `Where is my order for ticket ${id}?`);

    // the worker dies right after Zendesk applied the tenth note: that write's answer is lost
    let updates = 0;
    standIn.kill = () => worker.proc.kill('SIGKILL');
    standIn.hook = (req) => (req.kind === 'ticket.update' && ++updates === 10 ? 'kill-after-apply' : 'pass');

    // the first half arrives; Redis goes away while the worker drafts them
    const first = await Promise.all(tickets.slice(0, 15).map((id) => post(web, id)));
    expect(first.map((r) => r.status)).toEqual(Array(15).fill(202));
    redis!.kill('SIGKILL');
    await portState(redisPort, false);
    // the web tier needs only PostgreSQL: the second half is accepted while Redis is down
    const second = await Promise.all(tickets.slice(15).map((id) => post(web, id)));
    expect(second.map((r) => r.status)).toEqual(Array(15).fill(202));
    redis = await startRedis(redisPort);

    // the kill point is reached once the queue runs again; a new worker takes over
    await waitFor(() => worker.exited(), SETTLE_MS, 'the worker to be killed at the tenth note', () => `updates so far: ${updates}`);
    expect((await worker.exit).signal).toBe('SIGKILL');
    worker = await children.start({ ...env, ROLE: 'worker' }, START_MS);

    type Delivery = { thread_id: string; status: string; last_error: string | null };
    await waitFor(
      async () => {
        const { deliveries } = await api<{ deliveries: Delivery[] }>(web, 'deliveries');
        return deliveries.length === TICKETS && deliveries.every((d) => d.status === 'done');
      },
      SETTLE_MS,
      'every delivery to be done',
      () => `worker stderr: ${worker.err().slice(-800)}`,
    );
    const { drafts } = await api<{ drafts: { id: string; thread_id: string }[] }>(web, 'drafts');
    expect(drafts).toHaveLength(TICKETS);
    for (const id of tickets) {
      const notes = standIn.botComments(id);
      expect([id, notes.length]).toEqual([id, 1]);
      expect(notes[0]!.public).toBe(false);
      expect(notes[0]!.html_body).toContain(markerFor(drafts.find((d) => d.thread_id === id)!.id));
    }
    expect(standIn.unexpected).toEqual([]);

    // SIGTERM on both: a normal stop within the grace period
    expect((await children.stop(worker)).code).toBe(0);
    expect((await children.stop(web)).code).toBe(0);
  });
});
