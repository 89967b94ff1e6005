import { json, NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { findDraftById, recentDrafts, resetFailedDeliveries, threadDeliveries } from '../drafting/draft-store';
import { draftDetail, DraftList, draftSummary, sampleView } from '../drafting/draft-view';
import { draftIdParam } from './draft-id-param';
import { zodMessage } from '../domain/zod-message';
import type { Provider } from '../domain/thread';
import type { Inbox } from '../inbox/inbox';
import type { JobQueue } from '../jobs/queue';
import { sampleForDraft } from '../sampling/sample-store';
import type { Database } from '../store/schema';
import { bearerOf, sameToken } from './bearer';
import { briefFeedbackForDraft, reviewsForDraft } from '../reviews/review-store';
import { sendError } from './send-error';

/** A bearer token check: 401 `disabled.code` when no token is configured, 401 unauthorized for another one. */
export function requireToken(token: string | undefined, disabled: { code: string; message: string }, wrong: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!token) {
      sendError(res, 401, disabled.code, disabled.message);
      return;
    }
    if (!sameToken(bearerOf(req), token)) {
      sendError(res, 401, 'unauthorized', wrong);
      return;
    }
    next();
  };
}

export function requireAdmin(adminToken: string | undefined) {
  return requireToken(adminToken, { code: 'admin_disabled', message: 'set ADMIN_TOKEN to use /api and send it as "Authorization: Bearer <token>"' }, 'send "Authorization: Bearer <ADMIN_TOKEN>"');
}

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

const redriveBody = z
  .object({
    tenant: z.string().regex(/^(zendesk|intercom):\S+$/, 'a tenant such as zendesk:acme or intercom:<workspace id>').optional(),
    since: z.iso.datetime({ offset: true, message: 'an ISO 8601 time such as 2026-12-01T00:00:00Z' }).optional(),
    limit: z.number().int().min(1).max(10_000).default(1000),
  })
  .strict();

/** How many of a thread's webhook deliveries a draft's detail shows. */
const THREAD_DELIVERIES = 20;

/** Operator API: "what happened to my webhook?", "what did draftpilot decide and write?", and "try again". */
export function adminRoutes(inbox: Inbox, adminToken: string | undefined, db?: Kysely<Database>, queue?: JobQueue): Router {
  const router = Router();
  router.use(requireAdmin(adminToken));
  router.get('/deliveries', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) {
      sendError(res, 400, 'invalid_query', 'limit must be an integer from 1 to 500');
      return;
    }
    const rows = await inbox.recent(query.data.limit);
    res.json({
      deliveries: rows.map((d) => ({
        provider: d.provider,
        tenant: d.tenant,
        delivery_id: d.deliveryId,
        topic: d.topic,
        status: d.status,
        thread_id: d.threadId,
        received_at: d.receivedAt.toISOString(),
        attempts: d.attempts,
        last_error: d.lastError,
      })),
    });
  });
  if (db) {
    router.get('/drafts', async (req, res) => {
      const query = listQuery.safeParse(req.query);
      if (!query.success) {
        sendError(res, 400, 'invalid_query', 'limit must be an integer from 1 to 500');
        return;
      }
      const drafts = (await recentDrafts(db, query.data.limit)).map(draftSummary);
      // API calls per processed message, per helpdesk, over the drafts listed
      const calls: DraftList['api_calls'] = {};
      for (const d of drafts) {
        if (!d.delivery || d.delivery.shadow || d.delivery.api_calls === null) continue;
        const c = (calls[d.provider] ??= { messages: 0, api_calls: 0, per_message: 0 });
        c.messages++;
        c.api_calls += d.delivery.api_calls;
        c.per_message = Number((c.api_calls / c.messages).toFixed(2));
      }
      res.json({ drafts, api_calls: calls });
    });

    /**
     * One draft as an operator reads it: the draft, the brief, the decision and its reasons, and the
     * delivery: the requests sent to the helpdesk or, in shadow mode, the ones that would have been.
     */
    router.get('/drafts/:id', async (req, res) => {
      const id = draftIdParam(req, res, 'GET /api/drafts lists the recent ones');
      if (!id) return;
      const row = await findDraftById(db, id);
      if (!row) {
        sendError(res, 404, 'draft_not_found', `no draft ${id} in this store; GET /api/drafts lists the recent ones`);
        return;
      }
      const deliveries = await threadDeliveries(db, { tenant: row.tenant, provider: row.provider as Provider, threadId: row.thread_id }, THREAD_DELIVERIES);
      const [reviews, briefFeedback, sample] = await Promise.all([reviewsForDraft(db, row.id), briefFeedbackForDraft(db, row.id), sampleForDraft(db, row.id)]);
      res.json(draftDetail(row, deliveries, { reviews, briefFeedback, sample: sample ? sampleView(sample) : null }));
    });

    /**
     * After a fix (a renewed token, a restored ticket, a bug fixed): failed deliveries go back to
     * received and failed drafts back to waiting for delivery, and their threads get a job. The
     * writers check for their marker first, so nothing already written is written again.
     */
    router.post('/redrive', json(), async (req, res) => {
      const body = redriveBody.safeParse(req.body ?? {});
      if (!body.success) {
        sendError(res, 400, 'invalid_body', zodMessage(body.error));
        return;
      }
      const since = body.data.since ? new Date(body.data.since) : undefined;
      const filter = { ...(body.data.tenant ? { tenant: body.data.tenant } : {}), ...(since ? { since } : {}) };
      const drafts = await resetFailedDeliveries(db, filter);
      const threads = await inbox.redrive({ ...filter, limit: body.data.limit });
      // A fresh job per thread (no delivery id: under BullMQ the failed job keeps its id in the
      // dead-letter set, and the dispatcher only scans recent rows). If the queue is away, the rows
      // stay received and the relay (or the next start of the embedded mode) enqueues them.
      let enqueued = 0;
      for (const t of threads) {
        try {
          await queue?.enqueue({ tenant: t.tenant, provider: t.provider, threadId: t.threadId });
          if (queue) enqueued++;
        } catch {
          break;
        }
      }
      res.json({ deliveries: threads.reduce((n, t) => n + t.deliveries, 0), threads: threads.length, drafts, enqueued });
    });
  }
  return router;
}
