import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { markerFor } from '../../src/domain/marker';
import { signZendesk } from '../../src/edge/zendesk/verify';
import { Child, Children, waitFor, zendeskChildEnv } from '../helpers/child-service';
import { createDatabase, removeDir } from '../helpers/databases';
import { zendeskComment } from '../helpers/fixtures';
import { freePort } from '../helpers/global-setup';
import { describeWithPostgresAndRedisServer } from '../helpers/services';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';
import { OpenAIStandIn } from '../helpers/openai-stand-in';
import { TcpProxy } from '../helpers/tcp-proxy';
import { portState, startRedis } from '../helpers/redis-server';

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
const START_MS = 45_000;
const EXIT_MS = 15_000;
const SETTLE_MS = 45_000;
const TICKETS = 30;

describeWithPostgresAndRedisServer('faults in the PostgreSQL + BullMQ mode (web and worker processes)', () => {
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
    writeConfig('draftpilot.yaml', { attempts: 8 });
    // two attempts only: a 429 that used one would fail its delivery at the second
    writeConfig('two-attempts.yaml', { attempts: 2 });
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

  function writeConfig(name: string, queue: { attempts: number }): void {
    const settings = parse(readFileSync(path.resolve(__dirname, '../../config/default.yaml'), 'utf8')) as { queue: Record<string, unknown> };
    Object.assign(settings.queue, { backoff_ms: 200, relay_interval_ms: 1000, relay_after_ms: 3000, worker_nice: 0, ...queue });
    writeFileSync(path.join(tmp, name), stringify(settings));
  }

  type Delivery = { thread_id: string; status: string; last_error: string | null };
  /** Posts one delivery per ticket through `web` (all 202), then waits until every one is done. */
  async function deliverAll(web: Child, worker: () => Child, tickets: string[]): Promise<void> {
    const before = (await api<{ deliveries: Delivery[] }>(web, 'deliveries')).deliveries.length;
    const answers = await Promise.all(tickets.map((id) => post(web, id)));
    expect(answers.map((r) => r.status)).toEqual(tickets.map(() => 202));
    await settled(web, worker, before + tickets.length);
  }
  async function settled(web: Child, worker: () => Child, count: number): Promise<void> {
    let last: Delivery[] = [];
    await waitFor(
      async () => {
        last = (await api<{ deliveries: Delivery[] }>(web, 'deliveries')).deliveries;
        return last.length === count && last.every((d) => d.status === 'done' || d.status === 'failed');
      },
      SETTLE_MS,
      'every delivery to be processed',
      () => `statuses: ${JSON.stringify(last.map((d) => d.status))}; worker stderr: ${worker().err().slice(-800)}`,
    );
    expect(last.filter((d) => d.status !== 'done')).toEqual([]);
  }
  const newTickets = (from: number, n: number) => {
    const ids = Array.from({ length: n }, (_, i) => String(from + i));
    for (const id of ids) standIn.addTicket(id, `Where is my order for ticket ${id}?`);
    return ids;
  };

  const post = (web: Child, ticketId: string) => {
    const raw = JSON.stringify(zendeskComment({ ticketId, text: `Where is my order for ticket ${ticketId}? Order 55${ticketId}.` }));
    return fetch(`${web.url}/webhooks/zendesk`, { method: 'POST', headers: { 'content-type': 'application/json', ...signZendesk(raw, SECRET) }, body: raw });
  };
  const api = async <T>(child: Child, what: string): Promise<T> => (await (await fetch(`${child.url}/api/${what}?limit=500`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as T;

  it('Redis restarted and the worker SIGKILLed mid-job: every delivery processed, one note per ticket', async () => {
    const web = await children.start({ ...env, ROLE: 'web' }, START_MS);
    let worker = await children.start({ ...env, ROLE: 'worker' }, START_MS);
    const tickets = newTickets(7300, TICKETS);

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

    await settled(web, () => worker, TICKETS);
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

  it('a storm of 429s pauses the queue without using attempts: with two attempts, every delivery still done, one note each', async () => {
    standIn.reset();
    const config = { ...env, CONFIG_FILE: path.join(tmp, 'two-attempts.yaml'), QUEUE_PREFIX: `faults429${process.pid}` };
    const web = await children.start({ ...config, ROLE: 'web' }, START_MS);
    const worker = await children.start({ ...config, ROLE: 'worker' }, START_MS);
    const tickets = newTickets(7400, 10);
    // the first 12 ticket updates are refused with 429 (Retry-After: 1), more than two per ticket
    let refused = 0;
    standIn.hook = (req) => {
      if (req.kind !== 'ticket.update' || refused >= 12) return 'pass';
      refused += 1;
      return 'fail-429';
    };
    await deliverAll(web, () => worker, tickets);
    expect(refused).toBe(12);
    for (const id of tickets) expect([id, standIn.botComments(id).length]).toEqual([id, 1]);
    // the worker's metrics saw each 429
    const metrics = await (await fetch(`${worker.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(metrics).toMatch(/draftpilot_helpdesk_rate_limited_total\{provider="zendesk",tenant="zendesk:acme"\} 12/);
    expect((await children.stop(worker)).code).toBe(0);
    expect((await children.stop(web)).code).toBe(0);
  });

  it('a model that never answers: each message tried a bounded number of times, then escalated in a note, none lost', async () => {
    standIn.reset();
    const openai = new OpenAIStandIn({ apiKey: 'sk-faults-test' });
    openai.behave = () => ({ hang: true });
    await openai.start();
    try {
      const config = { ...env, QUEUE_PREFIX: `faultsmodel${process.pid}`, DRAFT_MODEL: 'openai', OPENAI_API_KEY: 'sk-faults-test', OPENAI_BASE_URL: openai.baseURL, OPENAI_TIMEOUT_MS: '1000', OPENAI_MAX_RETRIES: '1' };
      const web = await children.start({ ...config, ROLE: 'web' }, START_MS);
      const worker = await children.start({ ...config, ROLE: 'worker' }, START_MS);
      const tickets = newTickets(7500, 5);
      await deliverAll(web, () => worker, tickets);
      // one call and one retry per message (OPENAI_MAX_RETRIES=1), never more
      expect(openai.calls).toHaveLength(tickets.length * 2);
      const { drafts } = await api<{ drafts: { thread_id: string; decision: string; reasons: string[] }[] }>(web, 'drafts');
      for (const id of tickets) {
        expect(drafts.find((d) => d.thread_id === id)).toMatchObject({ decision: 'escalate', reasons: expect.arrayContaining(['low_confidence']) });
        const notes = standIn.botComments(id);
        expect([id, notes.length, notes[0]?.public]).toEqual([id, 1, false]);
      }
      expect((await children.stop(worker)).code).toBe(0);
      expect((await children.stop(web)).code).toBe(0);
    } finally {
      await openai.stop();
    }
  });

  it('PostgreSQL away: the edge answers 503 and keeps no marker, the processes wait, and the retries after it returns are processed once', async () => {
    standIn.reset();
    const target = new URL(db.url);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    try {
      const viaProxy = new URL(db.url);
      viaProxy.port = String(proxy.port);
      const config = { ...env, DATABASE_URL: viaProxy.toString(), QUEUE_PREFIX: `faultspg${process.pid}` };
      const web = await children.start({ ...config, ROLE: 'web' }, START_MS);
      const worker = await children.start({ ...config, ROLE: 'worker' }, START_MS);
      await deliverAll(web, () => worker, newTickets(7600, 3));

      proxy.cutAll();
      const away = newTickets(7700, 3);
      const refused = await Promise.all(away.map((id) => post(web, id)));
      expect(refused.map((r) => r.status)).toEqual([503, 503, 503]);
      expect(((await refused[0]!.json()) as { error: string }).error).toBe('store_unavailable');
      expect((await fetch(`${web.url}/readyz`)).status).toBe(503);
      // both processes are still there, waiting
      await new Promise((r) => setTimeout(r, 1500));
      // (their error output is part of the expectation, so a crash says why)
      expect({ web: web.exited() ? web.err().slice(-1500) : 'running', worker: worker.exited() ? worker.err().slice(-1500) : 'running' }).toEqual({ web: 'running', worker: 'running' });

      proxy.restore();
      await waitFor(async () => (await fetch(`${web.url}/readyz`)).status === 200, 20_000, 'the web process to be ready again');
      // the provider retries the refused deliveries: accepted now, each once
      await deliverAll(web, () => worker, away);
      for (const id of [...away, '7600', '7601', '7602']) expect([id, standIn.botComments(id).length]).toEqual([id, 1]);
      expect((await children.stop(worker)).code).toBe(0);
      expect((await children.stop(web)).code).toBe(0);
    } finally {
      await proxy.stop();
    }
  });
});
