import { Router } from 'express';
import { registry } from '../metrics/metrics';
import { bearerOf, sameToken } from './bearer';
import { sendError } from './send-error';

/**
 * GET /metrics: the process's metrics in Prometheus's text format (docs/operations.md, Metrics), for a
 * bearer METRICS_TOKEN (or, without one, ADMIN_TOKEN): tenant labels are not for everyone. Served by
 * every role, so Prometheus scrapes web and worker processes alike.
 */
export function metricsRoutes(token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!token) {
      sendError(res, 401, 'metrics_disabled', 'set METRICS_TOKEN (or ADMIN_TOKEN) and scrape with "Authorization: Bearer <token>"');
      return;
    }
    if (!sameToken(bearerOf(req), token)) {
      sendError(res, 401, 'unauthorized', 'send "Authorization: Bearer <METRICS_TOKEN>" (ADMIN_TOKEN when METRICS_TOKEN is not set)');
      return;
    }
    res.set('content-type', registry.contentType).set('cache-control', 'no-store').send(await registry.metrics());
  });
  return router;
}
