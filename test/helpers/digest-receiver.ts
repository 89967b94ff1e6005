import { LocalServer } from './local-server';

/**
 * A stand-in for an incoming-webhook receiver (Slack's hooks.slack.com/services/…): a real HTTP
 * server on 127.0.0.1 that keeps every posted body. `answer` sets the status of the next posts
 * (Slack answers 200 "ok"; 404 no_service for a removed webhook, 500 when it is down).
 */
export class DigestReceiver {
  readonly posts: { path: string; contentType: string | undefined; body: any }[] = [];
  status = 200;
  private readonly server = new LocalServer(
    'digest receiver',
    async (req, res) => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      this.posts.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(raw) });
      res.writeHead(this.status, { 'content-type': 'text/plain' }).end(this.status === 200 ? 'ok' : this.status === 404 ? 'no_service' : 'server_error');
    },
    (res) => res.writeHead(500).end('server_error'),
  );

  get url(): string {
    return `${this.server.origin}/services/T000/B000/secretpart`;
  }

  start = () => this.server.start();
  stop = () => this.server.stop();
}
