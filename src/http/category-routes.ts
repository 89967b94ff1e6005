import { json, Request, Response, Router } from 'express';
import { z } from 'zod';
import { zodMessage } from '../domain/zod-message';
import { tenantSchema } from '../domain/tenant';
import { CategoryNotFoundError, demoteCategory, LifecycleDeps, promoteCategory } from '../lifecycle/category-lifecycle';
import { categoryAudit, listCategoryStatus } from '../lifecycle/category-status';
import { sendError } from './send-error';

const categoryIdSchema = z.string().regex(/^[a-z0-9_-]+$/, 'a category id: lower-case letters, digits, "_" and "-"');
const querySchema = z.object({ tenant: tenantSchema.optional() }).strict();

/** Who changes a mode: an admin's id (auto_promote and auto_demote name the lifecycle itself). */
const modeChangeBody = z
  .object({
    admin: z
      .object({
        id: z
          .union([z.string().trim().min(1).max(200), z.number().int().nonnegative().transform(String)], { message: 'the admin id: a string such as "9000000123"' })
          .refine((id) => id !== 'auto_promote' && id !== 'auto_demote', 'auto_promote and auto_demote name the lifecycle itself, not an admin'),
        name: z.string().trim().max(200).optional(),
      })
      .strict(),
  })
  .strict();

/**
 * The category lifecycle (docs/contracts.md, Categories API), behind the admin token: each category's
 * mode, readiness, evidence and calibration; promotion, demotion and their audit. `?tenant=` names the
 * tenant; without it, `defaultTenant` (the Zendesk account of ZENDESK_SUBDOMAIN).
 */
export function categoryRoutes(deps: LifecycleDeps, defaultTenant: string | undefined): Router {
  const router = Router();

  const tenantOf = (req: Request, res: Response): string | undefined => {
    const query = querySchema.safeParse(req.query);
    if (!query.success) {
      sendError(res, 400, 'invalid_query', zodMessage(query.error));
      return undefined;
    }
    const tenant = query.data.tenant ?? defaultTenant;
    if (!tenant) sendError(res, 400, 'tenant_required', 'name the tenant: ?tenant=zendesk:<subdomain> or ?tenant=intercom:<workspace id>');
    return tenant;
  };
  const categoryOf = (req: Request, res: Response): string | undefined => {
    const id = categoryIdSchema.safeParse(String(req.params.id));
    if (id.success) return id.data;
    sendError(res, 400, 'invalid_category', `"${String(req.params.id).slice(0, 80)}" is not a category id: ${id.error.issues[0]?.message ?? 'malformed'}`);
    return undefined;
  };
  /** Answers 404 for a category the tenant does not have; rethrows anything else. */
  const notFound = (res: Response, err: unknown) => {
    if (!(err instanceof CategoryNotFoundError)) throw err;
    sendError(res, 404, err.code, err.message);
  };
  const adminOf = (req: Request, res: Response) => {
    const body = modeChangeBody.safeParse(req.body ?? {});
    if (body.success) return body.data.admin;
    sendError(res, 422, 'invalid_body', `${zodMessage(body.error)}; send {"admin": {"id": "<admin id>", "name": "<optional>"}}`);
    return undefined;
  };

  router.get('/', async (req, res) => {
    const tenant = tenantOf(req, res);
    if (tenant) res.json(await listCategoryStatus(deps, tenant));
  });

  router.get('/notices', async (req, res) => {
    const tenant = tenantOf(req, res);
    if (tenant) res.json({ tenant, notices: (await listCategoryStatus(deps, tenant)).notices });
  });

  router.get('/:id/audit', async (req, res) => {
    const tenant = tenantOf(req, res);
    const id = tenant && categoryOf(req, res);
    if (!tenant || !id) return;
    try {
      res.json({ tenant, category: id, changes: await categoryAudit(deps, tenant, id) });
    } catch (err) {
      notFound(res, err);
    }
  });

  /** A mode change by an admin: the tenant, the category and the admin read and checked, then `change`. */
  const modeChange = (change: (tenant: string, id: string, admin: { id: string; name?: string }, res: Response) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const tenant = tenantOf(req, res);
      const id = tenant && categoryOf(req, res);
      const admin = id && adminOf(req, res);
      if (!tenant || !id || !admin) return;
      try {
        await change(tenant, id, admin, res);
      } catch (err) {
        notFound(res, err);
      }
    };

  router.post('/:id/promote', json({ limit: '16kb' }), modeChange(async (tenant, id, admin, res) => {
    const result = await promoteCategory(deps, tenant, id, admin);
    if (result.ok) res.json({ tenant, category: id, mode: result.mode, changed: result.changed, evidence: result.evidence });
    else res.status(409).json({ error: result.error, message: result.error === 'sensitive' ? `${id} is sensitive: held in review, never promoted` : `${id} is not ready: ${result.missing.join('; ')}`, missing: result.missing, evidence: result.evidence });
  }));

  router.post('/:id/demote', json({ limit: '16kb' }), modeChange(async (tenant, id, admin, res) => {
    const result = await demoteCategory(deps, tenant, id, admin);
    res.json({ tenant, category: id, mode: result.mode, changed: result.changed, evidence: result.evidence });
  }));
  return router;
}
