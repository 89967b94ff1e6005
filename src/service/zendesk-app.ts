import type { LifecycleDeps } from '../lifecycle/category-lifecycle';
import { readUserRole } from '../apps/zendesk/user-role';
import type { Kysely } from 'kysely';
import type { Router } from 'express';
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
export function zendeskAppRouter(config: Config, db: Kysely<Database>, logger: Logger, now: () => Date, lifecycle?: LifecycleDeps): Router {
  const { zendesk } = config;
  const auth = zendeskAuthFor(config, new DbTokenStore(db), logger);
  const api = auth ? new ZendeskApi(auth) : undefined;
  const syncSettings = api
    ? async (tenant: string, installationId: string): Promise<SettingsState> =>
        syncInstallationSettings(db, tenant, await readInstallationSettings(api, installationId), { now: now(), fallbackGroupId: zendesk.escalationGroupId ?? null })
    : undefined;
  return zendeskAppRoutes({
    db,
    appId: zendesk.appId,
    subdomain: zendesk.subdomain,
    keyOrigin: (subdomain) => zendesk.baseUrl ?? zendeskOrigin(subdomain),
    keys: new PublicKeys(),
    session: { secret: config.appSession.secret, ttlSeconds: config.appSession.ttlSeconds },
    escalationGroupId: zendesk.escalationGroupId,
    skewSeconds: SIGNED_LOAD_SKEW_SECONDS,
    now,
    logger,
    ...(syncSettings ? { syncSettings } : {}),
    ...(api ? { roleOf: (userId: string) => readUserRole(api, userId) } : {}),
    ...(lifecycle ? { lifecycle } : {}),
  });
}
