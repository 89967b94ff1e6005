/**
 * `npm run bench:ingest`: signed Zendesk deliveries with unique ids at 50 connections, against
 * draftpilot and against a bare express route that only reads the body, in the same run, alternating.
 * Prints throughput, p50/p99 latency and the ratio (and the bare route measured alone, before the
 * service started, for reference), then checks that the inbox holds exactly one row
 * per accepted delivery. Modes: embedded (PGlite + in-process queue) always; scaled (PostgreSQL +
 * BullMQ, separate web and worker processes) when DATABASE_URL and REDIS_URL are set.
 *
 * Options: --rounds N (default 3), --seconds S per round (default 5), --connections C (default 50),
 *          --mode embedded|scaled|all (default: all available),
 *          --worker during|after (scaled mode: the worker process competes for the same cores during the
 *          rounds, or starts after them and drains the backlog; default during),
 *          --profile DIR (CPU profiles of the service processes, written when they stop)
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { openStore } from '../src/store/open-store';
import { signZendesk } from '../src/edge/zendesk/verify';
import { fixture } from './fixture';
import { arg } from './args';

const ROOT = path.resolve(__dirname, '..');
const SECRET = 'bench-secret-0123456789abcdef';
const ROUNDS = Number(arg('rounds', '3'));
const SECONDS = Number(arg('seconds', '5'));
const CONNECTIONS = Number(arg('connections', '50'));
/** scaled mode: run the worker process during the rounds (same 2 cores) or start it after them to drain */
const WORKER = arg('worker', 'during') as 'during' | 'after';

interface RoundResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  errors: number;
}

/** --profile DIR: every service process writes a V8 CPU profile there when it exits (open in Chrome DevTools). */
const PROFILE_DIR = arg('profile', '');

function spawnNode(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const profile = PROFILE_DIR && script === 'src/main.ts' ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`, `--cpu-prof-name=${env.ROLE ?? 'all'}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, '--require', 'tsx/cjs', path.join(ROOT, script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

let seq = 0;
const template = fixture();
const run = `${process.pid}-${Date.now()}`;

function nextRequest() {
  seq++;
  template.id = `bench-${run}-${seq}`;
  template.detail.id = String(100000 + (seq % 5000)); // many tickets, some with several comments
  template.subject = `zen:ticket:${template.detail.id}`;
  template.event.comment.id = `c-${seq}`;
  const body = JSON.stringify(template);
  return { method: 'POST' as const, path: '/webhooks/zendesk', headers: { 'content-type': 'application/json', ...signZendesk(body, SECRET) }, body };
}

/** delivery ids the service answered 202 for, and every id sent (a request cut off at the end of a round may still be stored) */
const acceptedIds = new Set<string>();
let sentCount = 0;

async function round(url: string, seconds: number): Promise<RoundResult> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        setupRequest: () => {
          sentCount++;
          return nextRequest();
        },
        onResponse: (status: number, body: string) => {
          if (status === 202) {
            const id = /"delivery_id":"([^"]+)"/.exec(body)?.[1];
            if (id) acceptedIds.add(id);
          }
        },
      },
    ],
  });
  return {
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

function summarize(rounds: RoundResult[]) {
  const sum = (f: (r: RoundResult) => number) => rounds.reduce((a, r) => a + f(r), 0);
  const mean = (f: (r: RoundResult) => number) => sum(f) / rounds.length;
  return { rps: mean((r) => r.rps), p50: mean((r) => r.p50), p99: Math.max(...rounds.map((r) => r.p99)), errors: sum((r) => r.errors) };
}

async function benchMode(mode: 'embedded' | 'scaled'): Promise<boolean> {
  const env: Record<string, string> = {
    PORT: '0',
    LOG_LEVEL: 'warn',
    CONFIG_FILE: path.join(ROOT, 'config/default.yaml'),
    ZENDESK_WEBHOOK_SECRETS: SECRET,
    ZENDESK_SUBDOMAIN: 'bench',
  };
  let dataDir: string | undefined;
  let dbName: string | undefined;
  let dbUrl: string | undefined;
  const children: ChildProcess[] = [];
  if (mode === 'embedded') {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-bench-'));
    env.DATA_DIR = dataDir;
  } else {
    dbName = `dp_bench_${process.pid}`;
    await adminQuery(`create database ${dbName}`);
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    Object.assign(env, { DATABASE_URL: dbUrl, REDIS_URL: process.env.REDIS_URL!, QUEUE_PREFIX: `dpbench${process.pid}` });
  }
  const bare = await spawnNode('bench/bare-server.ts', {});
  children.push(bare.child);
  // The bare route once more with nothing else running: a service that keeps working its backlog
  // during the alternating rounds slows the bare route too, and this shows by how much.
  await round(bare.url, 2);
  const idle = summarize([await round(bare.url, SECONDS)]);
  let service: { child: ChildProcess; url: string };
  if (mode === 'embedded') {
    service = await spawnNode('src/main.ts', env);
    children.push(service.child);
  } else {
    service = await spawnNode('src/main.ts', { ...env, ROLE: 'web' });
    children.push(service.child);
    if (WORKER === 'during') children.push((await spawnNode('src/main.ts', { ...env, ROLE: 'worker' })).child);
  }

  const what = mode === 'embedded' ? 'PGlite + in-process queue, one process' : `PostgreSQL + BullMQ, a ROLE=web process; the ROLE=worker process runs ${WORKER === 'during' ? 'during the rounds on the same cores' : 'after the rounds'}`;
  process.stdout.write(`\n== ${mode}: ${what}\n`);
  process.stdout.write(`   ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s each (after a 2 s warm-up of each)\n`);
  await round(bare.url, 2);
  const warm = await round(service.url, 2);
  void warm;
  const bareRounds: RoundResult[] = [];
  const serviceRounds: RoundResult[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    bareRounds.push(await round(bare.url, SECONDS));
    serviceRounds.push(await round(service.url, SECONDS));
  }
  const b = summarize(bareRounds);
  const s = summarize(serviceRounds);
  const ratio = s.rps / b.rps;
  const goal = mode === 'embedded' ? 0.3 : 0.5;
  const line = (name: string, x: ReturnType<typeof summarize>) =>
    `   ${name.padEnd(12)} ${x.rps.toFixed(0).padStart(7)} req/s   p50 ${x.p50.toFixed(1).padStart(5)} ms   p99 ${x.p99.toFixed(1).padStart(5)} ms   non-2xx/errors ${x.errors}\n`;
  process.stdout.write(line('bare route', b));
  process.stdout.write(line('draftpilot', s));
  process.stdout.write(`   ratio ${ratio.toFixed(2)} (goal >= ${goal})   p99 ${s.p99.toFixed(1)} ms (goal < 50 ms)\n`);
  process.stdout.write(line('bare, alone', idle));
  process.stdout.write(`   draftpilot against the bare route measured before the service started: ${(s.rps / idle.rps).toFixed(2)}\n`);

  if (mode === 'scaled' && WORKER === 'after') {
    // the worker starts now and drains what the web process recorded and queued
    const worker = await spawnNode('src/main.ts', { ...env, ROLE: 'worker' });
    children.push(worker.child);
    const started = Date.now();
    for (;;) {
      const c = new Client({ connectionString: dbUrl });
      await c.connect();
      const left = Number((await c.query(`select count(*) as n from deliveries where status in ('received', 'queued')`)).rows[0].n);
      await c.end();
      if (left === 0 || Date.now() - started > 120_000) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    process.stdout.write(`   worker started after the rounds drained the backlog in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  for (const c of children.reverse()) await stop(c);
  const store = await openStore(dbUrl ? { dataDir: '', databaseUrl: dbUrl } : { dataDir: dataDir! });
  const rows = await store.db.selectFrom('deliveries').select(['delivery_id', 'status']).where('delivery_id', 'like', `bench-${run}-%`).execute();
  await store.close();
  const stored = new Map<string, number>();
  for (const r of rows) stored.set(r.delivery_id, (stored.get(r.delivery_id) ?? 0) + 1);
  const missing = [...acceptedIds].filter((id) => !stored.has(id)).length;
  const doubled = [...stored.values()].filter((n) => n > 1).length;
  const cutOff = rows.length - acceptedIds.size; // sent, stored, but the answer was cut off when the round ended
  const statuses: Record<string, number> = {};
  for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const exact = missing === 0 && doubled === 0 && rows.length <= sentCount;
  process.stdout.write(
    `   inbox: ${rows.length} rows; ${acceptedIds.size} deliveries answered 202, ${missing} of them missing, ${doubled} stored twice; ` +
      `${cutOff} stored whose answer was cut off at a round's end; statuses ${JSON.stringify(statuses)} -> ${exact ? 'one row per accepted delivery' : 'MISMATCH'}\n`,
  );
  acceptedIds.clear();
  sentCount = 0;

  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (dbName) await adminQuery(`drop database if exists ${dbName} with (force)`);
  return exact && ratio >= goal && s.p99 < 50;
}

async function adminQuery(q: string): Promise<void> {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query(q);
  await c.end();
}

async function main(): Promise<void> {
  const requested = arg('mode', 'all');
  const scaledAvailable = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
  const modes: ('embedded' | 'scaled')[] = requested === 'all' ? (scaledAvailable ? ['embedded', 'scaled'] : ['embedded']) : [requested as 'embedded' | 'scaled'];
  if (requested === 'all' && !scaledAvailable) process.stdout.write('(scaled mode skipped: set DATABASE_URL and REDIS_URL to include it)\n');
  process.stdout.write(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}\n`);
  let allMet = true;
  for (const m of modes) allMet = (await benchMode(m)) && allMet;
  process.stdout.write(`\n${allMet ? 'all goals met' : 'some goals NOT met'}\n`);
  process.exitCode = allMet ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
