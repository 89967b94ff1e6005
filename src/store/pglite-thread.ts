/**
 * Runs PGlite on its own thread. PGlite executes every statement synchronously in WebAssembly; on the
 * main thread that would stall HTTP for the length of each write. Here the webhook edge keeps its
 * event loop while the store works on the other core.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

export type Request = { id: number; sql: string; params: unknown[] } | { id: number; close: true };
export type Reply = { id: number; rows?: unknown[]; affectedRows?: number; error?: { message: string; code?: string } };

async function main(): Promise<void> {
  const port = parentPort!;
  let db: PGlite;
  try {
    db = await PGlite.create(workerData.dataDir as string);
  } catch (err) {
    port.postMessage({ id: 0, error: { message: err instanceof Error ? err.message : String(err) } } satisfies Reply);
    return;
  }
  port.postMessage({ id: 0 } satisfies Reply);
  port.on('message', async (req: Request) => {
    if ('close' in req) {
      await db.close().catch(() => undefined);
      port.postMessage({ id: req.id } satisfies Reply);
      port.close();
      return;
    }
    try {
      const result = await db.query(req.sql, req.params);
      port.postMessage({ id: req.id, rows: result.rows, ...(result.affectedRows !== undefined ? { affectedRows: result.affectedRows } : {}) } satisfies Reply);
    } catch (err) {
      const e = err as { message?: string; code?: string };
      port.postMessage({ id: req.id, error: { message: e.message ?? String(err), ...(e.code ? { code: e.code } : {}) } } satisfies Reply);
    }
  });
}

void main();
