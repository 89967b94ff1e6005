import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';

/**
 * Work over several connections that all read one snapshot: the report's transaction exports its
 * snapshot (pg_export_snapshot) and each extra reader opens a repeatable-read, read-only transaction
 * that imports it (SET TRANSACTION SNAPSHOT) before its first query, as pg_dump's parallel workers
 * do. The parts of a report then agree as they do on one connection. PostgreSQL only: PGlite has
 * one connection (`readers` 1 keeps everything on the report's transaction).
 */
export interface SnapshotReaders {
  /** the report's open transaction; it reads too */
  trx: Kysely<Database>;
  /** the store the extra readers' transactions are opened on */
  root: Kysely<Database>;
  /** connections read on at once, the report's own included */
  readers: number;
}

/** `fn` over every item, on up to `readers` connections, results in the items' order. */
export async function mapInSnapshot<T, R>(s: SnapshotReaders, items: readonly T[], fn: (db: Kysely<Database>, item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const drain = async (db: Kysely<Database>) => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(db, items[i]!);
    }
  };
  const extra = Math.min(s.readers, items.length) - 1;
  if (extra <= 0) {
    await drain(s.trx);
    return results;
  }
  const { rows } = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(s.trx);
  const snapshot = rows[0]!.id;
  const reader = () =>
    s.root
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (other) => {
        await sql`set transaction snapshot ${sql.lit(snapshot)}`.execute(other);
        await sql`set local jit = off`.execute(other);
        await drain(other);
      });
  // the exporting transaction stays open (and reads) until every reader is done
  await Promise.all([drain(s.trx), ...Array.from({ length: extra }, reader)]);
  return results;
}
