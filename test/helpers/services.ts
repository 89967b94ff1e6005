import { existsSync } from 'node:fs';

/**
 * Redis and PostgreSQL suites run when REDIS_URL / DATABASE_URL are set (CI always sets them;
 * the test setup starts a Redis when redis-server is installed). On a machine without them the
 * suites are skipped with a message saying so; under CI a missing service fails the run.
 */
export const hasRedis = Boolean(process.env.REDIS_URL);
export const hasPostgres = Boolean(process.env.DATABASE_URL);

function gate(name: string, present: boolean, missing: string): jest.Describe {
  if (present) return describe;
  if (process.env.CI) {
    throw new Error(`${name} is required under CI: ${missing} (.ci/run installs and starts it)`);
  }
  process.stderr.write(`[draftpilot tests] ${name} suites skipped: ${missing} (install and start ${name}, or run .ci/run)\n`);
  // Skipped only on a developer machine without the service; CI throws above instead.
  return describe.skip;
}

export const describeWithRedis = (title: string, fn: () => void) => gate('Redis', hasRedis, 'REDIS_URL is not set')(title, fn);
export const describeWithPostgres = (title: string, fn: () => void) => gate('PostgreSQL', hasPostgres, 'DATABASE_URL is not set')(title, fn);
export const describeWithPostgresAndRedis = (title: string, fn: () => void) =>
  gate('PostgreSQL and Redis', hasPostgres && hasRedis, 'DATABASE_URL and REDIS_URL must both be set')(title, fn);

/** Suites that stop and start a Redis server of their own need the redis-server binary. */
export const hasRedisServerBinary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].some((p) => existsSync(p));
export const describeWithRedisServer = (title: string, fn: () => void) => gate('redis-server', hasRedisServerBinary, 'the redis-server binary is not installed')(title, fn);
/** Suites on PostgreSQL that stop and start a Redis server of their own (the scaled mode's fault tests). */
export const describeWithPostgresAndRedisServer = (title: string, fn: () => void) =>
  gate('PostgreSQL and redis-server', hasPostgres && hasRedisServerBinary, 'DATABASE_URL must be set and the redis-server binary installed')(title, fn);
