import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { webhookDeliveries } from '../metrics/metrics';
import type { ProviderEdge } from '../edge/provider-edge';
import type { Provider } from '../domain/thread';
import { describe } from '../domain/errors';
import { handleWebhook, WebhookAnswer, WebhookDeps } from './webhook-handler';

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const PATHS: Record<string, Provider> = { '/webhooks/zendesk': 'zendesk', '/webhooks/intercom': 'intercom' };

/**
 * The webhook edge's HTTP adapter, on node:http directly: `POST /webhooks/zendesk` and
 * `POST /webhooks/intercom` are answered here, everything else goes to `next` (the express app:
 * health, admin API, OAuth, HEAD for Intercom's URL check, 404s).
 *
 * Why not an express route: the webhook is the one hot path (every customer message, at the
 * providers' pace), and express's router, request/response decoration and body-parser stack cost more
 * per request than the rest of the edge's own work except the database. Here the checks are the same
 * (415 for a type that is not JSON, 413 from Content-Length before reading and again while reading,
 * before any hashing) with none of that overhead. The logic lives in webhook-handler.ts.
 */
export function webhookListener(edges: Record<Provider, ProviderEdge>, deps: WebhookDeps, next: RequestListener): RequestListener {
  return (req, res) => {
    const provider = req.method === 'POST' ? PATHS[pathOf(req.url)] : undefined;
    if (!provider) {
      next(req, res);
      return;
    }
    // every answer to a webhook is counted by provider and outcome (draftpilot_webhook_deliveries_total)
    const counted = (answer: WebhookAnswer): WebhookAnswer => {
      webhookDeliveries.inc({ provider, outcome: outcomeOf(answer) });
      return answer;
    };
    const type = req.headers['content-type'];
    if (!type || !JSON_TYPE.test(type)) {
      send(res, counted({ status: 415, body: { error: 'unsupported_media_type', message: `Content-Type must be application/json (got ${type ? JSON.stringify(type) : 'none'})` } }));
      return;
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      send(res, counted({ status: 415, body: { error: 'unsupported_content_encoding', message: `Content-Encoding ${JSON.stringify(encoding)} is not accepted; send the body uncompressed` } }));
      return;
    }
    const tooLarge = (): WebhookAnswer => ({ status: 413, body: { error: 'payload_too_large', message: `body is over the ${deps.maxBodyBytes}-byte limit (WEBHOOK_MAX_BODY_BYTES)` } });
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > deps.maxBodyBytes) {
      refuse(req, res, counted(tooLarge()));
      return;
    }
    readBody(req, deps.maxBodyBytes, deps.bodyTimeoutMs).then(
      (body) => {
        if (body === 'too_large') {
          refuse(req, res, counted(tooLarge()));
          return;
        }
        if (body === 'timeout') {
          refuse(req, res, counted({ status: 408, body: { error: 'request_timeout', message: `the body did not arrive within ${deps.bodyTimeoutMs} ms (webhooks.body_timeout_ms); send it at once` } }));
          return;
        }
        if (body === 'aborted') return;
        handleWebhook(edges[provider], deps, req.headers, body).then(
          (answer) => send(res, counted(answer)),
          (err) => {
            deps.logger.error({ err: describe(err), provider }, 'webhook failed');
            send(res, counted({ status: 503, body: { error: 'unavailable', message: 'the delivery could not be handled now; retry later' } }));
          },
        );
      },
      () => undefined,
    );
  };
}

function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0]!;
  // Express (non-strict routing) also matches a trailing slash and any letter case.
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.toLowerCase();
}

/** The body, or why there is none: over the limit while reading, too slow to arrive, or the client went away. */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer | 'too_large' | 'timeout' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const body = () => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    timer.unref();
    const finish = (out: Buffer | 'too_large' | 'timeout' | 'aborted') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.removeListener('data', onData);
      resolve(out);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish('too_large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish(body()));
    req.once('error', () => finish('aborted'));
    req.once('close', () => finish(req.complete ? body() : 'aborted'));
  });
}

/** A webhook answer's outcome: its status word (accepted, duplicate, ignored) or its error code. */
function outcomeOf(answer: WebhookAnswer): string {
  const word = answer.body.status ?? answer.body.error;
  return typeof word === 'string' ? word : String(answer.status);
}

function send(res: ServerResponse, answer: WebhookAnswer): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** An oversize body is not read: answer and close the connection rather than drain what is left. */
function refuse(req: IncomingMessage, res: ServerResponse, answer: WebhookAnswer): void {
  res.setHeader('connection', 'close');
  send(res, answer);
  res.once('finish', () => req.destroy());
}
