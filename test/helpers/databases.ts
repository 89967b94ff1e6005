import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { openStore, Store } from '../../src/store/open-store';

/** A PGlite data directory copied from the migrated template made by global-setup. */
export function freshDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-test-'));
  const template = process.env.DRAFTPILOT_TEST_TEMPLATE;
  if (template) cpSync(template, dir, { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A PostgreSQL database of its own for one suite, on the server DATABASE_URL points at. */
export async function createDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL!;
  const name = `dp_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await withAdmin(adminUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withAdmin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

export async function withAdmin<T>(adminUrl: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * An embedded store for a suite, on a fresh data directory: opened before the suite's tests, closed
 * and removed after them. Call it in a describe block; the returned function gives the open store.
 */
export function embeddedStoreForSuite(): () => Store {
  let dir: string;
  let store: Store | undefined;
  beforeAll(async () => {
    dir = freshDataDir();
    store = await openStore({ dataDir: dir });
  });
  afterAll(async () => {
    await store?.close();
    removeDir(dir);
  });
  return () => {
    if (!store) throw new Error('the suite store is opened in beforeAll: use it inside a test');
    return store;
  };
}

/** A store and how to close it (and remove its data directory or drop its database). */
export interface OpenedStore {
  store: Store;
  close: () => Promise<void>;
}

/** An embedded store on a fresh data directory. */
export async function openEmbeddedStore(): Promise<OpenedStore> {
  const dir = freshDataDir();
  const store = await openStore({ dataDir: dir });
  return {
    store,
    close: async () => {
      await store.close();
      removeDir(dir);
    },
  };
}

/** A PostgreSQL store on a database of its own (see createDatabase). */
export async function openPostgresStore(): Promise<OpenedStore> {
  const db = await createDatabase();
  const store = await openStore({ databaseUrl: db.url, dataDir: '' });
  return {
    store,
    close: async () => {
      await store.close();
      await db.drop();
    },
  };
}
