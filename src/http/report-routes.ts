import { Router } from 'express';
import { zodMessage } from '../domain/zod-message';
import { buildReport, ReportContext } from '../reports/build-report';
import { reportQuerySchema } from '../reports/report-query';
import { isReportName, REPORT_NAMES } from '../reports/report-view';
import { sendError } from './send-error';

/**
 * GET /api/reports/:name?week=YYYY-Www&tenant=… (behind the admin token): one weekly report as JSON
 * (docs/reports.md). 404 for a name that is not a report, 422 for a bad week or tenant.
 */
export function reportRoutes(ctx: ReportContext): Router {
  const router = Router();
  router.get('/:name', async (req, res) => {
    const name = String(req.params.name);
    if (!isReportName(name)) {
      sendError(res, 404, 'report_not_found', `no report "${name.slice(0, 80)}": the reports are ${REPORT_NAMES.join(', ')}`);
      return;
    }
    const query = reportQuerySchema.safeParse(req.query);
    if (!query.success) {
      sendError(res, 422, 'invalid_query', zodMessage(query.error));
      return;
    }
    res.json(await buildReport(ctx, name, query.data));
  });
  return router;
}
