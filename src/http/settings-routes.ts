import { json, Response, Router, text } from 'express';
import type { Kysely } from 'kysely';
import { tenantSchema } from '../domain/tenant';
import { effectiveSettings, ServiceDefaults } from '../settings/effective-settings';
import { applyTenantSettings, storedTenantSettings } from '../settings/settings-store';
import type { Database } from '../store/schema';
import { sendError } from './send-error';

/**
 * GET and PUT /api/settings/:tenant (behind the admin token): a tenant's own settings, what applies
 * (its own over the service's), and the last refused update with the paths that were wrong.
 */
export function settingsRoutes(db: Kysely<Database>, defaults: () => ServiceDefaults, now: () => Date): Router {
  const router = Router();

  const tenantOf = (raw: string, res: Response): string | undefined => {
    const tenant = tenantSchema.safeParse(raw);
    if (tenant.success) return tenant.data;
    sendError(res, 400, 'invalid_tenant', `"${raw.slice(0, 80)}" is not a tenant: ${tenant.error.issues[0]?.message ?? 'malformed'}`);
    return undefined;
  };
  const view = async (tenant: string) => {
    const stored = await storedTenantSettings(db, tenant);
    return { ...stored, effective: effectiveSettings(stored.settings, defaults(), tenant) };
  };

  router.get('/:tenant', async (req, res) => {
    const tenant = tenantOf(req.params.tenant, res);
    if (tenant) res.json(await view(tenant));
  });

  // JSON, or the YAML or JSON text an app settings field holds
  router.put('/:tenant', json({ limit: '256kb' }), text({ type: ['text/*', 'application/yaml', 'application/x-yaml'], limit: '256kb' }), async (req, res) => {
    const tenant = tenantOf(req.params.tenant, res);
    if (!tenant) return;
    const result = await applyTenantSettings(db, tenant, req.body ?? {}, { source: 'api', now: now() });
    if (result.ok) {
      res.json(await view(tenant));
      return;
    }
    const first = result.errors[0]!;
    res.status(422).json({
      error: 'invalid_settings',
      message: `${first.path}: ${first.message}${result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : ''}; the last good settings stay in effect`,
      errors: result.errors,
      ...(await view(tenant)),
    });
  });
  return router;
}
