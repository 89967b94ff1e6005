import { Router } from 'express';
import type { Kysely } from 'kysely';
import { loadInstalls, markUninstalled } from '../accounts/account-rows';
import { tenantSchema } from '../domain/tenant';
import type { Database } from '../store/schema';
import { sendError } from './send-error';

/**
 * The installed accounts over the admin API (docs/accounts.md):
 * - GET /api/accounts: every install, active or uninstalled, with what it set up (never a secret);
 * - DELETE /api/accounts/:tenant: uninstall. The tokens are deleted and no process serves the account
 *   after accounts.refresh_ms; its stored drafts, reviews and settings stay (retention prunes them).
 */
export function accountRoutes(db: Kysely<Database>, now: () => Date, onChange: () => void): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const accounts = await loadInstalls(db, { activeOnly: false });
    res.json({
      accounts: accounts.map((a) => ({
        tenant: a.tenant,
        provider: a.provider,
        status: a.status,
        api_base_url: a.apiBaseUrl,
        own_user_id: a.ownUserId,
        webhook: a.provider === 'zendesk' ? (a.sealedWebhookSecret ? `webhook ${a.webhookId} with its signing secret` : 'none: run draftpilot setup zendesk, or install again as an admin') : 'set on the app\'s Webhooks page',
        installed_at: a.installedAt.toISOString(),
        updated_at: a.updatedAt.toISOString(),
      })),
    });
  });
  router.delete('/:tenant', async (req, res) => {
    const tenant = tenantSchema.safeParse(req.params.tenant);
    if (!tenant.success) return void sendError(res, 422, 'invalid_tenant', `the tenant must be ${tenant.error.issues[0]?.message ?? 'zendesk:<subdomain> or intercom:<workspace id>'}`);
    if (!(await markUninstalled(db, tenant.data, now()))) return void sendError(res, 404, 'not_installed', `${tenant.data} has no active install (GET /api/accounts lists them); an account named by the environment is removed by unsetting its variables`);
    onChange();
    res.json({ tenant: tenant.data, status: 'uninstalled' });
  });
  return router;
}
