import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { request } from 'node:http';
import { getPriority } from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/open-store';
import { signZendesk } from '../../src/edge/zendesk/verify';
import { createDatabase, freshDataDir, removeDir } from '../helpers/databases';
import { describeWithPostgresAndRedis } from '../helpers/services';
import { zendeskComment } from '../helpers/fixtures';

const ROOT = path.resolve(__dirname, '../..');
const SECRET = 'process-test-secret-0123456789';

function spawnMain(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', CONFIG_FILE: path.join(ROOT, 'config/default.yaml'), ...env },
  });
}

function collect(child: ChildProcessWithoutNullStreams): { out: () => string; err: () => string; exit: Promise<number | null> } {
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { out: () => out, err: () => err, exit };
}

/** Upper bound of a child's start (it prints its webhook URL when listening). */
const START_MS = 45_000;

describe('configuration errors', () => {
  it.each([
    [{ PORT: 'abc' }, /PORT: must be a whole number/],
    [{ ZENDESK_WEBHOOK_SECRETS: 'has space' }, /ZENDESK_WEBHOOK_SECRETS entry 1 contains whitespace/],
    [{ INTERCOM_CLIENT_SECRETS: 'ok-secret,dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==' }, /INTERCOM_CLIENT_SECRETS entry 2 is Zendesk's documentation example secret/],
    [{ ROLE: 'web' }, /ROLE=web runs web and worker as separate processes: set DATABASE_URL and REDIS_URL/],
    [{ ROLE: 'both' }, /ROLE: Invalid option/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must start with postgres/],
    [{ CONFIG_FILE: '/nonexistent/draftpilot.yaml' }, /CONFIG_FILE: cannot read \/nonexistent\/draftpilot.yaml/],
    [{ ZENDESK_ACCESS_TOKEN: 'zd-token', ZENDESK_BASE_URL: 'http://zendesk.test' }, /ZENDESK_SUBDOMAIN: Zendesk credentials are set but ZENDESK_SUBDOMAIN is not/],
  ])('exits non-zero and names the variable: %j', async (env, message) => {
    const run = collect(spawnMain({ PORT: '0', DATA_DIR: '/nonexistent-never-created', ...env }));
    expect(await run.exit).toBe(1);
    expect(run.err()).toMatch(message);
    expect(run.err()).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});

describe('SIGTERM', () => {
  it('stops accepting, finishes the in-flight request and its job, and exits 0', async () => {
    const dataDir = freshDataDir();
    const child = spawnMain({ PORT: '0', DATA_DIR: dataDir, ZENDESK_WEBHOOK_SECRETS: SECRET, ZENDESK_SUBDOMAIN: 'acme', LOG_LEVEL: 'warn' });
    const run = collect(child);
    try {
      // the start compiles the service with tsx: on a machine busy with the other process-spawning
      // suites it can take a while, so the bound is generous (the test fails, never hangs, past it)
      let url = '';
      for (const deadline = Date.now() + START_MS; !url && Date.now() < deadline; ) {
        url = /Zendesk webhook:\s+(http:\/\/[^\s]+)/.exec(run.out())?.[1] ?? '';
        if (!url) await new Promise((r) => setTimeout(r, 50));
      }
      expect(url).not.toBe('');
      const body = JSON.stringify(zendeskComment({ ticketId: '9301' }));
      const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...signZendesk(body, SECRET) };

      // A request in flight: headers and half the body sent before the signal, the rest after it.
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(url, { method: 'POST', headers }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.write(body.slice(0, 50));
        setTimeout(() => {
          child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(50)), 300);
        }, 200);
      });
      const res = await answer;
      expect(res.status).toBe(202);
      // after the signal, new connections are refused
      await expect(fetch(url.replace('/webhooks/zendesk', '/healthz'))).rejects.toThrow();
      expect(await run.exit).toBe(0);

      const store = await openStore({ dataDir });
      const rows = await store.db.selectFrom('deliveries').select(['status']).execute();
      await store.close();
      expect(rows).toEqual([{ status: 'done' }]);
    } finally {
      child.kill('SIGKILL');
      removeDir(dataDir);
    }
  }, START_MS + 30_000);
});

describeWithPostgresAndRedis('worker priority', () => {
  it('a ROLE=worker process lowers its own CPU priority by queue.worker_nice; a web process keeps its own', async () => {
    const db = await createDatabase();
    const env = { PORT: '0', DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL!, QUEUE_PREFIX: `dpnice${process.pid}`, LOG_LEVEL: 'warn' };
    const started: { child: ChildProcessWithoutNullStreams; run: ReturnType<typeof collect> }[] = [];
    try {
      for (const role of ['worker', 'web']) {
        const child = spawnMain({ ...env, ROLE: role });
        const run = collect(child);
        started.push({ child, run });
        for (const deadline = Date.now() + START_MS; !run.out().includes('draftpilot is running') && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
        expect(run.out()).toContain(`role ${role}`);
      }
      expect(getPriority(started[0]!.child.pid!)).toBe(Math.min(19, getPriority() + 10));
      expect(getPriority(started[1]!.child.pid!)).toBe(getPriority());
    } finally {
      for (const { child, run } of started) {
        child.kill('SIGTERM');
        await run.exit;
      }
      await db.drop();
    }
  }, START_MS * 2 + 10_000);
});
