import { timingSafeEqual } from 'node:crypto';
import { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Inbox } from '../inbox/inbox';
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

/** Operator API: "what happened to my webhook?" */
export function adminRoutes(inbox: Inbox, adminToken: string | undefined): Router {
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
  return router;
}
