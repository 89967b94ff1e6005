import { zendeskTenant } from '../../domain/tenant';
import type { Logger } from '../../logger';
import { PublicKeys } from './public-keys';
import { SignedLoad, verifySignedLoad } from './signed-load';

/**
 * What every location of the Zendesk app does on its signed first load (the ticket sidebar, the
 * navigation-bar dashboard): checks the configuration, verifies Zendesk's token with the app's public
 * key, and asks Zendesk whether the user is an admin. The answer is the server's, never the page's.
 */
export interface LoadDeps {
  /** ZENDESK_APP_ID: the app whose public key signs the loads */
  appId: string | undefined;
  /** whether this deployment serves the account (ZENDESK_SUBDOMAIN, or an installed account) */
  knownSubdomain: (subdomain: string) => boolean;
  /** where the public key is read: ZENDESK_BASE_URL or https://<subdomain>.zendesk.com */
  keyOrigin: (subdomain: string) => string;
  keys: PublicKeys;
  /** clock skew tolerated on the signed token's exp, nbf and iat */
  skewSeconds: number;
  now: () => Date;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** the Zendesk role of a user of the tenant (GET /api/v2/users/{id}); absent without any Zendesk credentials */
  roleOf?: (userId: string, tenant: string) => Promise<string>;
}

export type OpenedLoad = { ok: true; load: SignedLoad; tenant: string } | { ok: false; status: 401 | 503; message: string };

export async function openSignedLoad(token: string | undefined, d: LoadDeps, location: string): Promise<OpenedLoad> {
  if (!d.appId) {
    return { ok: false, status: 503, message: `the ${location} is not configured: set ZENDESK_APP_ID (the id Zendesk shows after the upload)` };
  }
  const appId = d.appId;
  const checked = await verifySignedLoad(token, {
    knownSubdomain: (s) => d.knownSubdomain(s.toLowerCase()),
    keyFor: (s) => d.keys.get(PublicKeys.urlFor(d.keyOrigin(s), appId)),
    now: d.now(),
    skewSeconds: d.skewSeconds,
  });
  if (!checked.ok) {
    d.logger.warn({ reason: checked.message, location }, 'zendesk app: signed load refused');
    return { ok: false, status: 401, message: checked.message };
  }
  return { ok: true, load: checked.load, tenant: zendeskTenant(checked.load.subdomain) };
}

/** Whether Zendesk calls the load's user an admin; false when it cannot be asked or does not answer. */
export async function isZendeskAdmin(d: Pick<LoadDeps, 'roleOf' | 'logger'>, load: SignedLoad, tenant: string): Promise<boolean> {
  if (!d.roleOf || !load.userId) return false;
  try {
    return (await d.roleOf(load.userId, tenant)) === 'admin';
  } catch (err) {
    d.logger.warn({ tenant, err: (err as Error).message }, "zendesk app: the user's role could not be read; admin actions are off for this load");
    return false;
  }
}
