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
import { zendeskOrigin } from '../domain/tenant';
import { DbTokenStore } from '../helpdesk/zendesk/db-token-store';
import { ZendeskApi } from '../helpdesk/zendesk/zendesk-api';
import { zendeskAppRoutes } from '../http/zendesk-app-routes';
import type { Logger } from '../logger';
import type { Database } from '../store/schema';
import { zendeskAuthFor } from './writers';

/** Seconds of clock difference tolerated on the signed load's exp, nbf and iat. */
export const SIGNED_LOAD_SKEW_SECONDS = 60;

/**
 * The Zendesk sidebar app's routes with this deployment's settings: ZENDESK_APP_ID's public key from
 * the account (ZENDESK_BASE_URL or https://<subdomain>.zendesk.com), the app sessions, and the
 * installation's settings read with the account's credentials and applied to the tenant (no
 * credentials: they are not read, and the tenant keeps what it has).
 */
export function zendeskAppRouter(config: Config, db: Kysely<Database>, logger: Logger, now: () => Date, lifecycle?: LifecycleDeps, dashboard?: DashboardDeps): Router {
  const { zendesk } = config;
  const auth = zendeskAuthFor(config, new DbTokenStore(db), logger);
  const api = auth ? new ZendeskApi(auth) : undefined;
  const syncSettings = api
    ? async (tenant: string, installationId: string): Promise<SettingsState> =>
        syncInstallationSettings(db, tenant, await readInstallationSettings(api, installationId), { now: now(), fallbackGroupId: zendesk.escalationGroupId ?? null })
    : undefined;
  const load = {
    appId: zendesk.appId,
    subdomain: zendesk.subdomain,
    keyOrigin: (subdomain: string) => zendesk.baseUrl ?? zendeskOrigin(subdomain),
    // one cache of the app's public key for both locations
    keys: new PublicKeys(),
    skewSeconds: SIGNED_LOAD_SKEW_SECONDS,
    now,
    logger,
    ...(api ? { roleOf: (userId: string) => readUserRole(api, userId) } : {}),
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
