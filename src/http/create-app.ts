import express, { NextFunction, Request, Response, Router } from 'express';
import type { ProviderEdge } from '../edge/provider-edge';
import type { Provider } from '../domain/thread';
import { describe } from '../domain/errors';
import type { Kysely } from 'kysely';
import type { Inbox } from '../inbox/inbox';
import type { Database } from '../store/schema';
import type { JobQueue } from '../jobs/queue';
import type { Logger } from '../logger';
import { adminRoutes, requireAdmin } from './admin-routes';
import { accountRoutes } from './account-routes';
import { settingsRoutes } from './settings-routes';
import type { ServiceDefaults } from '../settings/effective-settings';
import { healthRoutes, Probe } from './health-routes';
import { reviewRoutes } from './review-routes';
import { categoryRoutes } from './category-routes';
import type { LifecycleDeps } from '../lifecycle/category-lifecycle';
import type { AfterRecord } from '../reviews/record-review';
import { digestRoutes, DigestRouteDeps } from './digest-routes';
import { metricsRoutes } from './metrics-routes';
import { reportRoutes } from './report-routes';
import { sendError } from './send-error';
import type { RequestListener } from 'node:http';
import { webhookListener } from './webhook-listener';

export interface AppDeps {
  edges?: Record<Provider, ProviderEdge>;
  inbox?: Inbox;
  queue?: JobQueue;
  logger: Logger;
  now: () => Date;
  maxBodyBytes: number;
  /** ms a webhook body may take to arrive (webhooks.body_timeout_ms) */
  bodyTimeoutMs: number;
  adminToken?: string;
  probes: Probe[];
  isDraining: () => boolean;
  db?: Kysely<Database>;
  /** the HS256 key of the helpdesk apps' sessions (config.appSession.secret) */
  appSessionSecret?: string;
  /** the service's configuration under the tenants' own settings (GET /api/settings/:tenant) */
  settingsDefaults?: () => ServiceDefaults;
  /** the category lifecycle (GET /api/categories, promote, demote, audit) */
  lifecycle?: LifecycleDeps;
  /** the tenant GET /api/categories answers for without ?tenant= */
  defaultTenant?: string;
  /** called after each review is stored: the lifecycle's automatic transitions */
  afterReview?: AfterRecord;
  /** the bearer token GET /metrics asks for (METRICS_TOKEN; ADMIN_TOKEN without one) */
  metricsToken?: string;
  /** connections one report may read on at once (PostgreSQL: several, sharing a snapshot) */
  reportReaders?: number;
  /** the weekly digest's preview and manual post (GET and POST /api/digest) */
  digest?: Omit<DigestRouteDeps, 'reports' | 'now'>;
  /** told after an uninstall through the API (the account list is read again) */
  onAccountsChanged?: () => void;
  /** extra routers of the web role (the Zendesk OAuth install) */
  routers?: Router[];
}

/**
 * The HTTP request listener: the webhook edge on node:http (webhook-listener.ts) in front of an
 * express app for everything else (routes and error mapping). A worker process serves health routes alone.
 */
export function createApp(deps: AppDeps): RequestListener {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(healthRoutes(deps.probes, deps.isDraining, deps.logger));
  app.use(metricsRoutes(deps.metricsToken ?? deps.adminToken));

  if (deps.edges && deps.inbox && deps.queue) {
    // Intercom validates a webhook URL with a HEAD request when it is saved. POSTs never reach express.
    app.head(['/webhooks/zendesk', '/webhooks/intercom'], (_req, res) => {
      res.status(200).end();
    });
    if (deps.db && deps.appSessionSecret) {
      // before the admin routes: these also accept an app session
      app.use('/api', reviewRoutes(deps.db, { adminToken: deps.adminToken, sessionSecret: deps.appSessionSecret, now: deps.now }, deps.afterReview));
    }
    if (deps.db && deps.settingsDefaults) {
      app.use('/api/settings', requireAdmin(deps.adminToken), settingsRoutes(deps.db, deps.settingsDefaults, deps.now));
      if (deps.lifecycle) {
        const reports = { db: deps.db, defaults: deps.settingsDefaults, lifecycle: deps.lifecycle.settings, now: deps.now, ...(deps.reportReaders ? { readers: deps.reportReaders } : {}) };
        app.use('/api/reports', requireAdmin(deps.adminToken), reportRoutes(reports));
        if (deps.digest) app.use('/api/digest', requireAdmin(deps.adminToken), digestRoutes({ ...deps.digest, reports, now: deps.now }));
      }
    }
    if (deps.db) app.use('/api/accounts', requireAdmin(deps.adminToken), accountRoutes(deps.db, deps.now, deps.onAccountsChanged ?? (() => undefined)));
    if (deps.lifecycle) app.use('/api/categories', requireAdmin(deps.adminToken), categoryRoutes(deps.lifecycle, deps.defaultTenant));
    app.use('/api', adminRoutes(deps.inbox, deps.adminToken, deps.db, deps.queue));
    for (const router of deps.routers ?? []) app.use(router);
  }

  app.get('/', (_req, res) => {
    res.json({ service: 'draftpilot', webhooks: ['/webhooks/zendesk', '/webhooks/intercom'], health: ['/healthz', '/readyz'], metrics: '/metrics', api: ['/api/deliveries', '/api/drafts', '/api/drafts/:id', '/api/redrive', '/api/reviews', '/api/drafts/:id/reviews', '/api/drafts/:id/brief-feedback', '/api/settings/:tenant', '/api/categories', '/api/categories/notices', '/api/categories/:id/promote', '/api/categories/:id/demote', '/api/categories/:id/audit', '/api/reports/:name', '/api/digest', '/api/accounts'], install: ['/oauth/zendesk/start', '/oauth/intercom/start'], dashboard: ['/dashboard'] });
  });

  app.use((req, res) => sendError(res, 404, 'not_found', `no route for ${req.method} ${req.path}`));

  // Express 5 routes async errors here; body-parser reports size limits with status 413.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; type?: string; expose?: boolean };
    if (e.type === 'entity.too.large' || e.status === 413) {
      sendError(res, 413, 'payload_too_large', `body is over the ${deps.maxBodyBytes}-byte limit (WEBHOOK_MAX_BODY_BYTES)`);
      return;
    }
    if (e.status && e.status >= 400 && e.status < 500 && e.expose) {
      sendError(res, e.status, e.type ?? 'bad_request', describe(err));
      return;
    }
    deps.logger.error({ err: describe(err), path: req.path }, 'request failed');
    sendError(res, 503, 'unavailable', 'the request could not be handled now; retry later');
  });
  if (!deps.edges || !deps.inbox || !deps.queue) return app;
  const webhookDeps = { inbox: deps.inbox, queue: deps.queue, logger: deps.logger, now: deps.now, maxBodyBytes: deps.maxBodyBytes, bodyTimeoutMs: deps.bodyTimeoutMs, enqueueOnAccept: deps.queue.kind === 'inline' };
  return webhookListener(deps.edges, webhookDeps, app);
}
