import { Router } from 'express';
import { z } from 'zod';
import { isoWeekOf, isoWeekSchema } from '../domain/iso-week';
import { tenantSchema } from '../domain/tenant';
import { zodMessage } from '../domain/zod-message';
import { dueWeek } from '../digest/digest-schedule';
import { digestRecord, recordPosted } from '../digest/digest-store';
import { DigestPostError, postDigest } from '../digest/post-digest';
import { buildDigest, DigestSettings } from '../digest/weekly-digest';
import type { ReportContext } from '../reports/build-report';
import { sendError } from './send-error';

/**
 * The weekly digest over the admin API (docs/digest.md):
 * - GET /api/digest?week=YYYY-Www[&tenant=]: the message that would be posted, whether a webhook is
 *   configured, and what the schedule recorded for that week (default: the week now due);
 * - POST /api/digest?week=YYYY-Www: posts it now to DIGEST_WEBHOOK_URL (every tenant), and records
 *   the week as posted so the schedule does not post it again. 503 without a webhook URL, 502 when
 *   the receiver refused it (its answer in the message).
 */
export interface DigestRouteDeps {
  reports: ReportContext;
  settings: DigestSettings;
  url?: string;
  publicUrl?: string;
  now: () => Date;
}

const querySchema = z.object({ week: isoWeekSchema.optional(), tenant: tenantSchema.optional() }).strict();

export function digestRoutes(deps: DigestRouteDeps): Router {
  const router = Router();
  const publicUrl = deps.publicUrl ? { publicUrl: deps.publicUrl } : {};

  router.get('/', async (req, res) => {
    const query = querySchema.safeParse(req.query);
    if (!query.success) {
      sendError(res, 422, 'invalid_query', zodMessage(query.error));
      return;
    }
    const week = query.data.week ?? dueWeek(deps.now(), deps.settings);
    const message = await buildDigest(deps.reports, week, { ...publicUrl, ...(query.data.tenant ? { tenant: query.data.tenant } : {}) });
    res.json({ week, configured: deps.url !== undefined, schedule: { weekday: deps.settings.weekday, hour_utc: deps.settings.hour_utc }, record: await digestRecord(deps.reports.db, week), message });
  });

  router.post('/', async (req, res) => {
    const query = querySchema.omit({ tenant: true }).safeParse(req.query);
    if (!query.success) {
      sendError(res, 422, 'invalid_query', zodMessage(query.error));
      return;
    }
    if (!deps.url) {
      sendError(res, 503, 'digest_not_configured', 'no digest webhook: set DIGEST_WEBHOOK_URL to an incoming-webhook URL (Slack, or one that takes the same JSON) and restart');
      return;
    }
    const week = query.data.week ?? isoWeekOf(deps.now());
    const message = await buildDigest(deps.reports, week, publicUrl);
    try {
      await postDigest(deps.url, message, { timeoutMs: deps.settings.timeout_ms });
    } catch (err) {
      if (!(err instanceof DigestPostError)) throw err;
      sendError(res, 502, 'digest_post_failed', err.message);
      return;
    }
    await recordPosted(deps.reports.db, week, deps.now(), 'manual');
    res.json({ week, posted: true, record: await digestRecord(deps.reports.db, week) });
  });
  return router;
}
