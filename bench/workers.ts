/**
 * `npm run bench:workers`: worker throughput with the offline model from one to two ROLE=worker
 * processes, and end-to-end latency under a sustained load, in the PostgreSQL + BullMQ mode
 * (DATABASE_URL, REDIS_URL), each measurement on a database of its own.
 *
 * Throughput: a ROLE=web process records --backlog N signed Zendesk deliveries (one ticket each) with
 * no worker running; then W worker processes start and the time from the first one being ready to
 * the last delivery done gives deliveries per second. W = 1, then 2, in the same run: the ratio is the
 * scaling (2.0 would be linear; web, workers, PostgreSQL and Redis share the machine's cores).
 *
 * Latency: with two workers running, deliveries arrive at --rate per second for --seconds; each one's
 * latency is its processed_at minus its received_at (webhook recorded to draft decided and delivered,
 * in shadow mode: the helpdesk write is recorded, not sent). Prints p50, p90, p99 and the maximum.
 *
 * Options: --backlog N (default 1500), --rate R (default 30), --seconds S (default 20)
 */
import path from 'node:path';
import { Client } from 'pg';
import { signZendesk } from '../src/edge/zendesk/verify';
import { Child, Children, sleep } from '../test/helpers/child-service';
import { fixture } from './fixture';
import { arg } from './args';

const ROOT = path.resolve(__dirname, '..');
const SECRET = 'bench-secret-0123456789abcdef';
const BACKLOG = Number(arg('backlog', '1500'));
const RATE = Number(arg('rate', '30'));
const SECONDS = Number(arg('seconds', '20'));
const children = new Children(20_000);
let seq = 0;
const template = fixture();

function post(web: Child): Promise<Response> {
  seq++;
  template.id = `bw-${process.pid}-${seq}`;
  template.detail.id = String(200000 + seq);
  template.subject = `zen:ticket:${template.detail.id}`;
  template.event.comment.id = `c-${seq}`;
  const body = JSON.stringify(template);
  return fetch(`${web.url}/webhooks/zendesk`, { method: 'POST', headers: { 'content-type': 'application/json', ...signZendesk(body, SECRET) }, body });
}

async function admin<T>(url: string, q: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(q)).rows as T[];
  } finally {
    await c.end();
  }
}

async function withDatabase<T>(name: string, fn: (env: Record<string, string>, url: string) => Promise<T>): Promise<T> {
  const adminUrl = process.env.DATABASE_URL!;
  await admin(adminUrl, `create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const env = {
    LOG_LEVEL: 'warn',
    CONFIG_FILE: path.join(ROOT, 'config/default.yaml'),
    ZENDESK_WEBHOOK_SECRETS: SECRET,
    ZENDESK_SUBDOMAIN: 'bench',
    SHADOW_MODE: 'true',
    DATABASE_URL: u.toString(),
    REDIS_URL: process.env.REDIS_URL!,
    QUEUE_PREFIX: name,
  };
  try {
    return await fn(env, u.toString());
  } finally {
    await children.killAll();
    await admin(adminUrl, `drop database if exists ${name} with (force)`);
  }
}

/** `count` deliveries posted `concurrency` at a time; all must be accepted. */
async function postMany(web: Child, count: number, concurrency = 20): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const res = await post(web);
        if (res.status !== 202) throw new Error(`a delivery was answered ${res.status}: ${await res.text()}`);
      }
    }),
  );
}

async function waitDone(url: string, count: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const [row] = await admin<{ n: string }>(url, `select count(*) as n from deliveries where status = 'done'`);
    if (Number(row!.n) >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${row!.n} of ${count} deliveries done after ${limitMs} ms`);
    await sleep(200);
  }
}

async function throughput(workers: number): Promise<number> {
  return withDatabase(`dp_bw_${process.pid}_${workers}`, async (env, url) => {
    const web = await children.start({ ...env, ROLE: 'web' }, 30_000);
    await postMany(web, BACKLOG);
    const ready = await Promise.all(Array.from({ length: workers }, () => children.start({ ...env, ROLE: 'worker' }, 30_000).then(() => Date.now())));
    const t0 = Math.min(...ready);
    await waitDone(url, BACKLOG, 300_000);
    const seconds = (Date.now() - t0) / 1000;
    const rate = BACKLOG / seconds;
    process.stdout.write(`${String(workers).padStart(2)} worker${workers === 1 ? ' ' : 's'}  ${BACKLOG} deliveries in ${seconds.toFixed(1)} s: ${rate.toFixed(0)} deliveries/s\n`);
    return rate;
  });
}

async function latency(): Promise<void> {
  await withDatabase(`dp_bw_${process.pid}_lat`, async (env, url) => {
    const web = await children.start({ ...env, ROLE: 'web' }, 30_000);
    await Promise.all([children.start({ ...env, ROLE: 'worker' }, 30_000), children.start({ ...env, ROLE: 'worker' }, 30_000)]);
    const total = RATE * SECONDS;
    const started = Date.now();
    const sends: Promise<Response>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      sends.push(post(web));
    }
    const answers = await Promise.all(sends);
    const refused = answers.filter((r) => r.status !== 202).length;
    await waitDone(url, total, 120_000);
    const rows = await admin<{ ms: string }>(url, `select extract(epoch from (processed_at - received_at)) * 1000 as ms from deliveries order by 1`);
    const ms = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(0);
    process.stdout.write(`\nend to end (webhook recorded -> processed), ${RATE}/s for ${SECONDS} s over 2 workers: ${ms.length} deliveries, ${refused} refused\n`);
    process.stdout.write(`  p50 ${at(0.5)} ms   p90 ${at(0.9)} ms   p99 ${at(0.99)} ms   max ${ms[ms.length - 1]!.toFixed(0)} ms\n`);
  });
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
    process.stderr.write('bench:workers needs DATABASE_URL and REDIS_URL (the PostgreSQL + BullMQ mode)\n');
    process.exit(2);
  }
  process.stdout.write(`worker throughput, offline model, shadow mode (${BACKLOG} deliveries recorded before the workers start)\n`);
  const one = await throughput(1);
  const two = await throughput(2);
  process.stdout.write(`ratio 2 workers / 1 worker: ${(two / one).toFixed(2)}x (2.00 would be linear)\n`);
  await latency();
}

main().catch(async (err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  await children.killAll();
  process.exit(1);
});
