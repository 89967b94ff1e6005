import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Once per `npm test`: a migrated PGlite data directory that tests copy (initdb takes seconds,
 * a copy milliseconds), and a Redis server when REDIS_URL is unset and redis-server is installed.
 */
export default async function globalSetup(): Promise<void> {
  const template = path.join(os.tmpdir(), `draftpilot-test-template-${process.pid}`);
  rmSync(template, { recursive: true, force: true });
  mkdirSync(template, { recursive: true });
  const { openStore } = await import('../../src/store/open-store');
  const store = await openStore({ dataDir: template });
  await store.close();
  process.env.DRAFTPILOT_TEST_TEMPLATE = template;

  if (!process.env.REDIS_URL && existsSync('/usr/bin/redis-server')) {
    const port = await freePort();
    const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore', detached: false });
    (globalThis as { __redis?: typeof child }).__redis = child;
    await waitForPort(port);
    process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not start on port ${port}`);
}
