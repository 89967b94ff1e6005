import type { LifecycleDeps } from '../lifecycle/category-lifecycle';
import { readUserRole } from '../apps/zendesk/user-role';
import type { Kysely } from 'kysely';
import { Router } from 'express';
import type { DashboardDeps } from '../dashboard/dashboard-views';
import { zendeskNavBarRoutes } from '../dashboard/zendesk-nav-bar';
import type { Config } from '../config';
import { readInstallationSettings } from '../apps/zendesk/installation-settings';
import { PublicKeys } from '../apps/zendesk/public-keys';
import { SettingsState, syncInstallationSettings } from '../apps/zendesk/sync-settings';
import { zendeskOrigin, zendeskTenant } from '../domain/tenant';
import type { AccountDirectory } from '../accounts/account-directory';
import { forTenantCalls } from '../helpdesk/call-context';
import { ZendeskApi } from '../helpdesk/zendesk/zendesk-api';
import { zendeskAppRoutes } from '../http/zendesk-app-routes';
import type { Logger } from '../logger';
import type { Database } from '../store/schema';

/** Seconds of clock difference tolerated on the signed load's exp, nbf and iat. */
export const SIGNED_LOAD_SKEW_SECONDS = 60;

/**
 * The Zendesk app's routes (the ticket sidebar and the navigation-bar dashboard) for every Zendesk
 * account served: ZENDESK_APP_ID's public key from the account (ZENDESK_BASE_URL for the
 * environment's account, else https://<subdomain>.zendesk.com), the app sessions, and the
 * installation's settings read with the account's own credentials and applied to its tenant (an
 * account without credentials: they are not read, and the tenant keeps what it has).
 */
export function zendeskAppRouter(config: Config, db: Kysely<Database>, logger: Logger, now: () => Date, accounts: AccountDirectory, lifecycle?: LifecycleDeps, dashboard?: DashboardDeps): Router {
  const { zendesk, env } = config;
  const apis = new Map<string, { version: string; api: ZendeskApi }>();
  const apiFor = async (tenant: string): Promise<ZendeskApi> => {
    const account = await accounts.get(tenant);
    if (account?.provider !== 'zendesk') throw new Error(`${tenant} has no Zendesk credentials here (ZENDESK_ACCESS_TOKEN, or an install through /oauth/zendesk/start)`);
    const known = apis.get(tenant);
    if (known?.version === account.version) return known.api;
    const api = new ZendeskApi(account.auth);
    apis.set(tenant, { version: account.version, api });
    return api;
  };
  // credentials can exist: the environment's, or installs through the OAuth client
  const credentials = Boolean(zendesk.accessToken || env.ZENDESK_OAUTH_CLIENT_ID);
  const syncSettings = credentials
    ? async (tenant: string, installationId: string): Promise<SettingsState> =>
        syncInstallationSettings(db, tenant, await forTenantCalls(tenant, async () => readInstallationSettings(await apiFor(tenant), installationId)), {
          now: now(),
          fallbackGroupId: tenant === zendesk.tenant ? (zendesk.escalationGroupId ?? null) : null,
        })
    : undefined;
  const load = {
    appId: zendesk.appId,
    knownSubdomain: (subdomain: string) => subdomain === zendesk.subdomain?.toLowerCase() || accounts.knownTenants().has(zendeskTenant(subdomain)),
    keyOrigin: (subdomain: string) => (subdomain === zendesk.subdomain && zendesk.baseUrl ? zendesk.baseUrl : zendeskOrigin(subdomain)),
    // one cache of the app's public key for both locations
    keys: new PublicKeys(),
    skewSeconds: SIGNED_LOAD_SKEW_SECONDS,
    now,
    logger,
    ...(credentials ? { roleOf: (userId: string, tenant: string) => forTenantCalls(tenant, async () => readUserRole(await apiFor(tenant), userId)) } : {}),
  };
  const session = { secret: config.appSession.secret, ttlSeconds: config.appSession.ttlSeconds };
  const router = Router();
  router.use(
    zendeskAppRoutes({
      ...load,
      db,
      session,
      escalationGroupId: zendesk.escalationGroupId,
      ...(syncSettings ? { syncSettings } : {}),
      ...(lifecycle ? { lifecycle } : {}),
    }),
  );
  // the dashboard as the app's navigation-bar location
  if (dashboard) router.use(zendeskNavBarRoutes({ ...load, session, dashboard }));
  return router;
}
