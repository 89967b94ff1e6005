import { timingSafeEqual } from 'node:crypto';
import { json, NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { resetFailedDeliveries } from '../drafting/draft-store';
import { zodMessage } from '../domain/zod-message';
import type { Inbox } from '../inbox/inbox';
import type { JobQueue } from '../jobs/queue';
import type { Database } from '../store/schema';
import { sendError } from './send-error';

export function requireAdmin(adminToken: string | undefined) {
  const expected = adminToken ? Buffer.from(adminToken) : undefined;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!expected) {
      sendError(res, 401, 'admin_disabled', 'set ADMIN_TOKEN to use /api and send it as "Authorization: Bearer <token>"');
      return;
    }
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const given = match ? Buffer.from(match[1]!.trim()) : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      sendError(res, 401, 'unauthorized', 'send "Authorization: Bearer <ADMIN_TOKEN>"');
      return;
    }
    next();
  };
}

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

const redriveBody = z
  .object({
    tenant: z.string().regex(/^(zendesk|intercom):\S+$/, 'a tenant such as zendesk:acme or intercom:<workspace id>').optional(),
    since: z.iso.datetime({ offset: true, message: 'an ISO 8601 time such as 2026-12-01T00:00:00Z' }).optional(),
    limit: z.number().int().min(1).max(10_000).default(1000),
  })
  .strict();

/** What became of a draft's delivery, from its recorded outcome. */
function deliveryStatus(delivery: { shadow?: boolean; failed?: boolean } | null): 'pending' | 'shadow' | 'failed' | 'delivered' {
  if (!delivery) return 'pending';
  if (delivery.failed) return 'failed';
  return delivery.shadow ? 'shadow' : 'delivered';
}

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
      const rows = await db.selectFrom('drafts').selectAll().orderBy('created_at', 'desc').limit(query.data.limit).execute();
      const drafts = rows.map((d) => {
        const delivery = (d.delivery ?? null) as { shadow?: boolean; written?: boolean; failed?: boolean; apiCalls?: number; detail?: string } | null;
        const status = deliveryStatus(delivery);
        return {
          id: d.id,
          provider: d.provider,
          tenant: d.tenant,
          thread_id: d.thread_id,
          message_id: d.message_id,
          decision: d.decision,
          reasons: d.reasons,
          category: d.category,
          confidence: d.confidence,
          model: d.model,
          created_at: new Date(d.created_at).toISOString(),
          delivered_at: d.delivered_at ? new Date(d.delivered_at).toISOString() : null,
          status,
          error: status === 'failed' ? delivery?.detail ?? null : null,
          delivery: delivery && { shadow: delivery.shadow ?? null, written: delivery.written ?? null, api_calls: delivery.apiCalls ?? null, detail: delivery.detail ?? null },
        };
      });
      // API calls per processed message, per helpdesk, over the drafts listed
      const calls: Record<string, { messages: number; api_calls: number; per_message: number }> = {};
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
