import { Router } from 'express';
import { registry } from '../metrics/metrics';
import { requireToken } from './admin-routes';

/**
 * GET /metrics: the process's metrics in Prometheus's text format (docs/operations.md, Metrics), for a
 * bearer METRICS_TOKEN (or, without one, ADMIN_TOKEN): tenant labels are not for everyone. Served by
 * every role, so Prometheus scrapes web and worker processes alike.
 */
export function metricsRoutes(token: string | undefined): Router {
  const router = Router();
  const auth = requireToken(
    token,
    { code: 'metrics_disabled', message: 'set METRICS_TOKEN (or ADMIN_TOKEN) and scrape with "Authorization: Bearer <token>"' },
    'send "Authorization: Bearer <METRICS_TOKEN>" (ADMIN_TOKEN when METRICS_TOKEN is not set)',
  );
  router.get('/metrics', auth, async (_req, res) => {
    res.set('content-type', registry.contentType).set('cache-control', 'no-store').send(await registry.metrics());
  });
  return router;
}
