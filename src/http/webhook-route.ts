import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ProviderEdge } from '../../webhooks/edge';
import { describe } from '../errors';
import type { Inbox } from '../inbox/inbox';
import type { JobQueue } from '../jobs/queue';
import type { Logger } from '../logger';
import { sendError } from './send-error';

export interface WebhookDeps {
  inbox: Inbox;
  queue: JobQueue;
  logger: Logger;
  now: () => Date;
  maxBodyBytes: number;
}

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

function requireJson(req: Request, res: Response, next: NextFunction): void {
  const type = req.headers['content-type'];
  if (!type || !JSON_TYPE.test(type)) {
    sendError(res, 415, 'unsupported_media_type', `Content-Type must be application/json (got ${type ? JSON.stringify(type) : 'none'})`);
    return;
  }
  next();
}

/**
 * The webhook edge: size and type checks, raw-body signature, schema, durable inbox row, enqueue, answer.
 * The provider logic is pure (webhooks/); this is the express adapter around it.
 */
export function webhookRoute(edge: ProviderEdge, deps: WebhookDeps): RequestHandler[] {
  // The size limit is enforced while reading (and from Content-Length before reading), before any hashing.
  const raw = express.raw({ type: () => true, limit: deps.maxBodyBytes });

  const handle: RequestHandler = async (req, res) => {
    const now = deps.now();
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = edge.verify(body, req.headers, now);
    if (!verdict.ok) {
      const status = verdict.code === 'not_configured' ? 503 : 401;
      deps.logger.warn({ provider: edge.provider, code: verdict.code }, 'webhook refused: signature');
      sendError(res, status, verdict.code, verdict.message);
      return;
    }

    let json: unknown;
    const text = body.toString('utf8');
    try {
      json = JSON.parse(text);
    } catch (err) {
      sendError(res, 400, 'invalid_json', `body is not valid JSON: ${describe(err)}`);
      return;
    }

    const parsed = edge.route(json, req.headers, body, now);
    if (!parsed.ok) {
      deps.logger.warn({ provider: edge.provider, code: parsed.code, detail: parsed.message }, 'webhook refused: schema');
      sendError(res, 400, parsed.code, parsed.message);
      return;
    }
    const route = parsed.route;
    if (route.action === 'ignore') {
      res.status(200).json({ status: 'ignored', reason: route.reason, detail: route.detail });
      return;
    }

    // A child logger only when something is logged: creating one per request costs throughput.
    const log = () => deps.logger.child({ provider: edge.provider, tenant: route.tenant, deliveryId: route.deliveryId, threadId: route.threadId });
    let result;
    try {
      result = await deps.inbox.record({
        tenant: route.tenant,
        provider: edge.provider,
        deliveryId: route.deliveryId,
        topic: route.topic,
        threadId: route.threadId,
        receivedAt: now,
        payload: text,
        status: route.action === 'accept' ? 'received' : 'recorded',
      });
    } catch (err) {
      // Nothing was written, so no dedupe marker exists: the provider's retry will be accepted.
      log().error({ err: describe(err) }, 'delivery could not be made durable');
      sendError(res, 503, 'store_unavailable', 'the delivery could not be stored; it was not accepted, retry later');
      return;
    }
    if (!result.inserted) {
      res.status(200).json({ status: 'duplicate', delivery_id: route.deliveryId, thread_id: route.threadId });
      return;
    }
    if (route.action === 'record') {
      res.status(202).json({ status: 'recorded', reason: route.reason, delivery_id: route.deliveryId, thread_id: route.threadId });
      return;
    }

    // The row is durable, so the answer does not wait for the queue: if the queue refuses, the row stays
    // 'received' and the relay enqueues it later (the outbox pattern).
    const rowId = result.id;
    deps.queue
      .enqueue({ tenant: route.tenant, provider: edge.provider, threadId: route.threadId, deliveryId: route.deliveryId })
      .then(() => (deps.queue.kind === 'bullmq' ? deps.inbox.markQueued(rowId) : undefined))
      .catch((err) => log().warn({ err: describe(err) }, 'queue unavailable; delivery kept in the inbox for the relay'));
    res.status(202).json({ status: 'accepted', delivery_id: route.deliveryId, thread_id: route.threadId });
  };

  return [requireJson, raw, handle];
}
