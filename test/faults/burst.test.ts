import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { webhookSecretAad } from '../../src/accounts/account-directory';
import { saveInstall } from '../../src/accounts/account-rows';
import { signZendesk } from '../../src/edge/zendesk/verify';
import { TokenCipher } from '../../src/helpdesk/zendesk/token-cipher';
import { applyTenantSettings } from '../../src/settings/settings-store';
import { openStore } from '../../src/store/open-store';
import { Child, Children, sleep, waitFor } from '../helpers/child-service';
import { createDatabase, removeDir } from '../helpers/databases';
import { zendeskComment } from '../helpers/fixtures';
import { freePort } from '../helpers/global-setup';
import { describeWithPostgresAndRedisServer } from '../helpers/services';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';
import { startRedis } from '../helpers/redis-server';

/**
 * A burst of 10,000 deliveries over 2 web and 2 worker processes and 3 tenants, in the PostgreSQL +
 * BullMQ mode with the offline model and a local Zendesk stand-in. The three tenants are accounts
 * installed through OAuth (seeded in the store as an install leaves them: sealed tokens, sealed
 * webhook secrets), so each delivery is the tenant whose secret signed it:
 *
 * - alpha sends a burst of 9,400 messages as fast as the web processes take them;
 * - beta sends 400 messages at a steady pace during the burst: fairness says none waits long;
 * - gamma sends a burst of 150 with a call limit of 300 a minute, shared by both workers through
 *   Redis: its calls must keep to it (unlimited, its 300 calls would take a few seconds).
 *
 * Midway, one web and one worker process get SIGTERM under that load: each must exit 0 within the
 * grace period, and what they had in hand must still be processed. Every delivery must be processed
 * exactly once: one note per ticket. The figures (throughput, latency percentiles per tenant) are
 * printed.
 */
const ADMIN_TOKEN = 'burst-test-admin-token-0123456789';
const ACCESS_TOKEN = 'zd-burst-test-token';
const BOT_USER_ID = 9300000001;
const KEY = Buffer.alloc(32, 5).toString('base64');
const START_MS = 45_000;
const EXIT_MS = 20_000;
const GRACE_MS = 10_000;
const COUNTS = { alpha: 9_450, beta: 400, gamma: 150 } as const;
const GAMMA_PER_MINUTE = 300;
const BETA_PER_SECOND = 4;
type Name = keyof typeof COUNTS;
const NAMES: Name[] = ['alpha', 'beta', 'gamma'];
const BASE_ID: Record<Name, number> = { alpha: 1_000_000, beta: 2_000_000, gamma: 3_000_000 };
const secretOf = (name: Name) => `${name}-burst-webhook-secret-0123456789`;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

describeWithPostgresAndRedisServer('a burst of 10,000 deliveries over 2 web and 2 worker processes and 3 tenants', () => {
  jest.setTimeout(600_000);
  const children = new Children(EXIT_MS);
  const standIn = new ZendeskStandIn({ botUserId: BOT_USER_ID, token: ACCESS_TOKEN });
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let redis: ChildProcess | undefined;
  let tmp: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    await standIn.start();
    db = await createDatabase();
    const redisPort = await freePort();
    redis = await startRedis(redisPort);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-burst-'));
    const settings = parse(readFileSync(path.resolve(__dirname, '../../config/default.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    Object.assign(settings.queue!, { backoff_ms: 200, relay_interval_ms: 1000, relay_after_ms: 5000, worker_nice: 0 });
    Object.assign(settings.accounts!, { refresh_ms: 1000 });
    // alpha and beta are not held back by the call limiter here; gamma has a setting of its own
    Object.assign(settings.limits!, { zendesk_calls_per_minute: 100_000 });
    Object.assign(settings.shutdown!, { grace_ms: GRACE_MS });
    writeFileSync(path.join(tmp, 'draftpilot.yaml'), stringify(settings));
    env = {
      CONFIG_FILE: path.join(tmp, 'draftpilot.yaml'),
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      QUEUE_PREFIX: `burst${process.pid}`,
      APP_SESSION_SECRET: 'burst-test-app-session-secret-0123456789',
      APP_ENCRYPTION_KEY: KEY,
      ZENDESK_OAUTH_CLIENT_ID: 'draftpilot-global',
      ZENDESK_OAUTH_CLIENT_SECRET: 'burst-client-secret',
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
    };
    // the three installs, as the OAuth callback leaves them, on the stand-in's host
    const store = await openStore({ databaseUrl: db.url, dataDir: '' });
    const cipher = TokenCipher.fromBase64Key(KEY);
    const at = new Date();
    for (const name of NAMES) {
      const tenant = `zendesk:${name}`;
      const tokens = { accessToken: ACCESS_TOKEN, accessExpiresAt: null, refreshToken: null, refreshExpiresAt: null, scope: 'read write' };
      await store.db.insertInto('oauth_tokens').values({ account: tenant, sealed: cipher.seal(JSON.stringify(tokens), tenant), updated_at: at }).execute();
      await saveInstall(store.db, { tenant, provider: 'zendesk', apiBaseUrl: standIn.baseUrl, ownUserId: String(BOT_USER_ID), webhookId: `wh-${name}`, sealedWebhookSecret: cipher.seal(secretOf(name), webhookSecretAad(tenant)), at });
    }
    expect(await applyTenantSettings(store.db, 'zendesk:gamma', { limits: { helpdesk_calls_per_minute: GAMMA_PER_MINUTE } }, { source: 'api', now: at })).toMatchObject({ ok: true });
    await store.close();
    for (const name of NAMES) for (let i = 0; i < COUNTS[name]; i++) standIn.addTicket(String(BASE_ID[name] + i), `Where is my order ${i}?`);
  });
  afterAll(async () => {
    await children.killAll();
    redis?.kill('SIGKILL');
    await standIn.stop();
    await db?.drop();
    if (tmp) removeDir(tmp);
  });

  it('each delivery processed exactly once; a quiet tenant is not held up by the burst; SIGTERM under load loses nothing', async () => {
    const webs: Child[] = [];
    const workers: Child[] = [];
    for (let i = 0; i < 2; i++) webs.push(await children.start({ ...env, ROLE: 'web' }, START_MS));
    for (let i = 0; i < 2; i++) workers.push(await children.start({ ...env, ROLE: 'worker' }, START_MS));
    const live = new Set(webs);
    const postedAt = new Map<string, number>();
    const answers = new Map<number, number>();
    let retried = 0;
    let next = 0;

    /** One delivery, sent as Zendesk does: to any web process, and again elsewhere when it got no answer or a 5xx. */
    const deliver = async (name: Name, i: number): Promise<void> => {
      const ticketId = String(BASE_ID[name] + i);
      const raw = JSON.stringify(zendeskComment({ ticketId, text: `Where is my order ${i}? It has not arrived.` }));
      for (let attempt = 0; attempt < 20; attempt++) {
        const targets = [...live];
        const web = targets[next++ % targets.length]!;
        try {
          const res = await fetch(`${web.url}/webhooks/zendesk`, { method: 'POST', headers: { 'content-type': 'application/json', ...signZendesk(raw, secretOf(name)) }, body: raw });
          await res.arrayBuffer();
          answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
          if (res.status === 202 || res.status === 200) {
            if (!postedAt.has(ticketId)) postedAt.set(ticketId, Date.now());
            return;
          }
        } catch {
          // the process is stopping or gone: the provider's retry goes to another
        }
        retried++;
        await sleep(100);
      }
      throw new Error(`delivery ${ticketId} was not accepted in 20 tries`);
    };
    const pool = async (name: Name, count: number, concurrency: number) => {
      let i = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (i < count) await deliver(name, i++);
      }));
    };
    const paced = async (name: Name, count: number, perSecond: number) => {
      const sent: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        sent.push(deliver(name, i));
        await sleep(1000 / perSecond);
      }
      await Promise.all(sent);
    };

    const started = Date.now();
    const burst = pool('alpha', COUNTS.alpha, 48);
    // the quiet tenants start once the burst is well under way
    await sleep(3000);
    const quiet = Promise.all([paced('beta', COUNTS.beta, BETA_PER_SECOND), pool('gamma', COUNTS.gamma, 8)]);

    // under that load, one web and one worker process are stopped
    const notes = () => standIn.requests.filter((r) => r.kind === 'ticket.update' && r.status === 200).length;
    await waitFor(() => notes() >= 2_000, 300_000, '2,000 notes before the SIGTERMs');
    const web = webs[1]!;
    const worker = workers[1]!;
    live.delete(web);
    const stopping = Date.now();
    const [webExit, workerExit] = await Promise.all([children.stop(web), children.stop(worker)]);
    const stoppedInMs = Date.now() - stopping;
    expect([webExit.code, workerExit.code]).toEqual([0, 0]);
    expect(stoppedInMs).toBeLessThan(GRACE_MS + 5_000);
    // a new worker takes the stopped one's place (the web tier goes on with one process)
    workers.push(await children.start({ ...env, ROLE: 'worker' }, START_MS));

    await Promise.all([burst, quiet]);
    const ingestMs = Date.now() - started;
    const total = COUNTS.alpha + COUNTS.beta + COUNTS.gamma;
    expect(postedAt.size).toBe(total);

    // every ticket gets exactly one note
    await waitFor(
      () => NAMES.every((name) => Array.from({ length: COUNTS[name] }, (_, i) => standIn.botComments(String(BASE_ID[name] + i)).length).every((n) => n >= 1)),
      420_000,
      'a note on every ticket',
      () => `notes so far: ${notes()} of ${total}`,
    );
    const doneAt = Date.now();
    const latency: Record<Name, number[]> = { alpha: [], beta: [], gamma: [] };
    for (const name of NAMES) {
      for (let i = 0; i < COUNTS[name]; i++) {
        const id = String(BASE_ID[name] + i);
        const comments = standIn.botComments(id);
        expect([id, comments.length]).toEqual([id, 1]);
        expect(comments[0]!.public).toBe(false);
        const written = standIn.requests.find((r) => r.kind === 'ticket.update' && r.ticketId === id && r.status === 200)!;
        latency[name].push(written.at - postedAt.get(id)!);
      }
      latency[name].sort((a, b) => a - b);
    }
    expect(standIn.unexpected).toEqual([]);

    // gamma's calls kept to its limit over both workers: at most a sixth of a minute's in any ten-second window
    const gammaCalls = standIn.requests.filter((r) => r.ticketId && Number(r.ticketId) >= BASE_ID.gamma && r.kind.startsWith('ticket.')).map((r) => r.at).sort((a, b) => a - b);
    let busiest = 0;
    for (let a = 0, b = 0; b < gammaCalls.length; b++) {
      while (gammaCalls[b]! - gammaCalls[a]! >= 10_000) a++;
      busiest = Math.max(busiest, b - a + 1);
    }
    // windows are fixed, so two full ones can meet across a boundary: at most twice a window's allowance
    const perWindow = GAMMA_PER_MINUTE / 6;
    expect(busiest).toBeLessThanOrEqual(2 * perWindow);
    // and the calls were spread over at least as many windows as the limit asks for
    const gammaSpanMs = gammaCalls[gammaCalls.length - 1]! - gammaCalls[0]!;
    expect(gammaSpanMs).toBeGreaterThanOrEqual((Math.ceil(gammaCalls.length / perWindow) - 2) * 10_000);

    const all = [...latency.alpha, ...latency.beta, ...latency.gamma].sort((a, b) => a - b);
    const figures = {
      deliveries: total,
      ingest_seconds: Math.round(ingestMs / 100) / 10,
      processed_per_second: Math.round((total / ((doneAt - started) / 1000)) * 10) / 10,
      retried_posts: retried,
      answers: Object.fromEntries(answers),
      sigterm_exit_ms: stoppedInMs,
      gamma_calls: gammaCalls.length,
      gamma_busiest_10s_calls: busiest,
      gamma_span_seconds: Math.round(gammaSpanMs / 1000),
      latency_ms: Object.fromEntries(
        [...NAMES.map((n) => [n, latency[n]] as const), ['all', all] as const].map(([n, l]) => [n, { p50: pct(l, 50), p90: pct(l, 90), p99: pct(l, 99), max: l[l.length - 1] }]),
      ),
    };
    process.stdout.write(`[burst] ${JSON.stringify(figures)}\n`);
    // fairness: beta's messages, sent during alpha's burst, are not queued behind it
    expect(pct(latency.beta, 99)).toBeLessThan(5_000);
    for (const c of [...webs, ...workers]) if (!c.exited()) expect((await children.stop(c)).code).toBe(0);
  });
});
