import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * draftpilot as child processes for the fault tests: `npm start`'s entry (src/main.ts) under tsx with
 * the environment given, its output kept, its exit awaited. Every child spawned through a `Children`
 * set can be killed at the end of a test, so a failed test leaves no process behind.
 */
const ROOT = path.resolve(__dirname, '../..');

export interface Child {
  proc: ChildProcessWithoutNullStreams;
  pid: number;
  out: () => string;
  err: () => string;
  exited: () => boolean;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** http://127.0.0.1:<port>, once started */
  url: string;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string, detail: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${detail() ? `: ${detail()}` : ''}`);
    await sleep(25);
  }
}

export class Children {
  private readonly all = new Set<Child>();

  constructor(private readonly exitMs: number) {}

  /** Spawns the service with exactly `env` (and PATH); `url` is empty until it has started. */
  spawn(env: Record<string, string>): Child {
    const proc = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'src/main.ts')], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', PORT: '0', ...env } });
    let out = '';
    let err = '';
    let exited = false;
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.on('exit', (code, signal) => {
        exited = true;
        resolve({ code, signal });
      }),
    );
    const child: Child = { proc, pid: proc.pid!, out: () => out, err: () => err, exited: () => exited, exit, url: '' };
    this.all.add(child);
    return child;
  }

  /** Spawns the service and waits until it prints its address (every role prints its health URL). */
  async start(env: Record<string, string>, startMs: number): Promise<Child> {
    const child = this.spawn(env);
    const deadline = Date.now() + startMs;
    for (;;) {
      const url = /health:\s+(http:\/\/[^\s]+)\/healthz/.exec(child.out())?.[1];
      if (url) {
        child.url = url;
        return child;
      }
      if (child.exited()) throw new Error(`the service exited at start: ${child.err()}${child.out()}`);
      if (Date.now() > deadline) throw new Error(`the service did not start within ${startMs} ms: ${child.err()}${child.out()}`);
      await sleep(25);
    }
  }

  /** SIGTERM, and the exit it must make within the bounds. */
  async stop(child: Child): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    child.proc.kill('SIGTERM');
    return bounded(child.exit, this.exitMs, 'the service to stop on SIGTERM');
  }

  /** Kills (SIGKILL) every child still running and waits for each to exit. */
  async killAll(): Promise<void> {
    for (const c of this.all) {
      if (!c.exited()) c.proc.kill('SIGKILL');
      await bounded(c.exit, this.exitMs, 'a child to exit after the test');
    }
    this.all.clear();
  }
}

/** The environment of a child serving the Zendesk account acme against a stand-in, quiet but for warnings. */
export function zendeskChildEnv(o: { secret: string; botUserId: number; accessToken: string; standInUrl: string; adminToken: string; configFile: string }): Record<string, string> {
  return {
    CONFIG_FILE: o.configFile,
    ZENDESK_SUBDOMAIN: 'acme',
    ZENDESK_WEBHOOK_SECRETS: o.secret,
    ZENDESK_BOT_USER_ID: String(o.botUserId),
    ZENDESK_ACCESS_TOKEN: o.accessToken,
    ZENDESK_BASE_URL: o.standInUrl,
    ADMIN_TOKEN: o.adminToken,
    LOG_LEVEL: 'warn',
  };
}
