import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a provider's API: a real HTTP server on 127.0.0.1, port 0. A handler that throws
 * answers 500 with `onError`'s body.
 */
export class LocalServer {
  private server?: Server;

  constructor(
    private readonly name: string,
    private readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
    private readonly onError: (res: ServerResponse, err: unknown) => void,
  ) {}

  get origin(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error(`${this.name}: not started`);
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.onError(res, err);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
