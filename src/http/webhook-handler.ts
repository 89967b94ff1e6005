import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderEdge } from '../edge/provider-edge';
import { describe } from '../domain/errors';
import { storableText } from '../domain/storable-text';
import type { Inbox } from '../inbox/inbox';
import type { JobQueue } from '../jobs/queue';
import type { Logger } from '../logger';

export interface WebhookDeps {
  inbox: Inbox;
  queue: JobQueue;
  logger: Logger;
  now: () => Date;
  maxBodyBytes: number;
  /** ms the whole body may take to arrive; a slower one is answered 408 */
  bodyTimeoutMs: number;
  /**
   * Enqueue a stored delivery right after answering (the embedded in-process queue). False in the
   * PostgreSQL + BullMQ mode, where the dispatcher moves received rows into the queue (dispatcher.ts).
   */
  enqueueOnAccept: boolean;
}

/** What the edge answers: a status and a JSON body. Every error body is {error, message}. */
export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

const error = (status: number, code: string, message: string): WebhookAnswer => ({ status, body: { error: code, message } });

/**
 * One webhook delivery, after its body was read within the size limit: raw-body signature, JSON,
 * schema, durable inbox row, answer, then the enqueue. Framework-free (webhook-listener.ts is the HTTP
 * adapter); the provider logic itself is pure (src/edge/).
 */
export async function handleWebhook(edge: ProviderEdge, deps: WebhookDeps, headers: IncomingHttpHeaders, body: Buffer): Promise<WebhookAnswer> {
  const now = deps.now();
  const verdict = edge.verify(body, headers, now);
  if (!verdict.ok) {
    deps.logger.warn({ provider: edge.provider, code: verdict.code }, 'webhook refused: signature');
    return error(verdict.code === 'not_configured' ? 503 : 401, verdict.code, verdict.message);
  }

  let json: unknown;
  const text = body.toString('utf8');
  try {
    json = JSON.parse(text);
  } catch (err) {
    return error(400, 'invalid_json', `body is not valid JSON: ${describe(err)}`);
  }

  const parsed = edge.route(json, headers, body, now, verdict.account);
  if (!parsed.ok) {
    deps.logger.warn({ provider: edge.provider, code: parsed.code, detail: parsed.message }, 'webhook refused: schema');
    return error(400, parsed.code, parsed.message);
  }
  const route = parsed.route;
  if (route.action === 'ignore') return { status: 200, body: { status: 'ignored', reason: route.reason, detail: route.detail } };

  // A child logger only when something is logged: creating one per request costs throughput.
  const log = () => deps.logger.child({ provider: edge.provider, tenant: route.tenant, deliveryId: route.deliveryId, threadId: route.threadId });
  let result;
  try {
    // Ids come from the signed JSON: made storable, so a NUL in one cannot fail the statement it shares.
    result = await deps.inbox.record({
      tenant: storableText(route.tenant),
      provider: edge.provider,
      deliveryId: storableText(route.deliveryId),
      topic: storableText(route.topic),
      threadId: storableText(route.threadId),
      receivedAt: now,
      payload: text,
      // Both a customer message and any other message of the thread (an agent's reply or note,
      // draftpilot's own write) are folded into the stored thread by a job; only a customer message
      // makes that job draft.
      status: 'received',
    });
  } catch (err) {
    // Nothing was written, so no dedupe marker exists: the provider's retry will be accepted.
    log().error({ err: describe(err) }, 'delivery could not be made durable');
    return error(503, 'store_unavailable', 'the delivery could not be stored; it was not accepted, retry later');
  }
  if (!result.inserted) return { status: 200, body: { status: 'duplicate', delivery_id: route.deliveryId, thread_id: route.threadId } };

  const answer: WebhookAnswer =
    route.action === 'record'
      ? { status: 202, body: { status: 'recorded', reason: route.reason, delivery_id: route.deliveryId, thread_id: route.threadId } }
      : { status: 202, body: { status: 'accepted', delivery_id: route.deliveryId, thread_id: route.threadId } };
  if (!deps.enqueueOnAccept) return answer;
  // The row is durable, so the answer does not wait for the queue: if the queue refuses, the row stays
  // 'received' and the relay enqueues it later (the outbox pattern).
  const rowId = result.id;
  deps.queue
    .enqueue({ tenant: route.tenant, provider: edge.provider, threadId: route.threadId, deliveryId: route.deliveryId })
    .then(() => (deps.queue.kind === 'bullmq' ? deps.inbox.markQueued(rowId) : undefined))
    .catch((err) => log().warn({ err: describe(err) }, 'queue unavailable; delivery kept in the inbox for the relay'));
  return answer;
}
