import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { waitFor } from './child-service';

/** A redis-server of a test's own on 127.0.0.1:`port` (no persistence), resolved once it accepts connections. */
export function startRedis(port: number): Promise<ChildProcess> {
  const bin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ?? 'redis-server';
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  return portState(port, true).then(() => child);
}

/** Waits until the port accepts connections (`up`) or refuses them. */
export async function portState(port: number, up: boolean): Promise<void> {
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
