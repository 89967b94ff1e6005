import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Reply, Request } from './pglite-thread';

export interface QueryRunner {
  query<R>(sql: string, params: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** The main-thread side of pglite-thread.ts: statements go over a message port, one at a time. */
export class PGliteThreadClient implements QueryRunner {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void }>();
  private isClosed = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      waiter?.resolve(reply);
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => {
      this.isClosed = true;
      this.failAll(new Error('the PGlite thread stopped'));
    });
  }

  static async start(dataDir: string): Promise<PGliteThreadClient> {
    // From the build the thread is plain JavaScript; from sources (tests, tsx) it loads through tsx.
    const ts = __filename.endsWith('.ts');
    const worker = new Worker(path.join(__dirname, `pglite-thread.${ts ? 'ts' : 'js'}`), {
      workerData: { dataDir },
      execArgv: ts ? ['--require', 'tsx/cjs'] : [],
    });
    const client = new PGliteThreadClient(worker);
    const ready = await new Promise<Reply>((resolve) => client.pending.set(0, { resolve }));
    if (ready.error) {
      await worker.terminate();
      throw new Error(`PGlite could not open ${dataDir}: ${ready.error.message}`);
    }
    return client;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async query<R>(sql: string, params: unknown[]): Promise<{ rows: R[]; affectedRows?: number }> {
    const reply = await this.send({ id: this.nextId++, sql, params });
    if (reply.error) throw Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {});
    return { rows: (reply.rows ?? []) as R[], ...(reply.affectedRows !== undefined ? { affectedRows: reply.affectedRows } : {}) };
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await Promise.race([this.send({ id: this.nextId++, close: true }), new Promise((r) => setTimeout(r, 5000).unref())]);
    await this.worker.terminate();
  }

  private send(req: Request): Promise<Reply> {
    if (this.isClosed && !('close' in req)) return Promise.reject(new Error('PGlite is closed'));
    return new Promise<Reply>((resolve) => {
      this.pending.set(req.id, { resolve });
      this.worker.postMessage(req);
    });
  }

  private failAll(err: Error): void {
    for (const [id, waiter] of this.pending) waiter.resolve({ id, error: { message: err.message } });
    this.pending.clear();
  }
}
