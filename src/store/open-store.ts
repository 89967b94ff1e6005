import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { DataDirLock, lockDataDir } from './data-dir-lock';
import type { Database } from './schema';
import { migrateToLatest } from './migrations';
import { PGliteThreadClient } from './pglite-client';
import { PGliteDialect } from './pglite-dialect';

export interface Store {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** readiness: the store answers a query */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl?: string;
  dataDir: string;
  /** pool size for PostgreSQL */
  poolSize?: number;
}

/** One Postgres dialect everywhere: PostgreSQL when DATABASE_URL is set, PGlite files under DATA_DIR otherwise. */
export async function openStore(options: StoreOptions): Promise<Store> {
  let db: Kysely<Database>;
  let kind: Store['kind'];
  let lock: DataDirLock | undefined;
  if (options.databaseUrl) {
    const { Pool } = await import('pg');
    const pool = new Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // Fail fast so the edge answers 503 (the provider retries) instead of hanging past its timeout.
      connectionTimeoutMillis: 2000,
      statement_timeout: 5000,
    });
    pool.on('error', () => undefined); // idle client errors surface on the next query
    // A client checked out (a transaction between two statements, a job's connection) whose socket is
    // reset emits 'error' on the client itself, and an 'error' event with no listener ends the
    // process. Listened to here, the error surfaces on that client's next query instead, and the pool
    // drops the broken client when it is released (pg-pool discards a client that is not queryable).
    pool.on('connect', (client) => client.on('error', () => undefined));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    lock = lockDataDir(options.dataDir);
    try {
      const pglite = await PGliteThreadClient.start(options.dataDir);
      db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    } catch (err) {
      lock.release();
      throw err;
    }
    kind = 'pglite';
  }
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    lock?.release();
    throw err;
  }
  return {
    db,
    kind,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}
