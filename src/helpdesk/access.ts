import type { IntercomAccount } from '../config/accounts';
import type { HelpdeskProvider } from './helpdesk-error';
import type { BearerTokens } from './renew-on-401';

/** Where and how to reach one provider's API. */
export interface HelpdeskAccess {
  provider: HelpdeskProvider;
  /** origin (and base path) without a trailing slash, e.g. https://acme.zendesk.com */
  baseUrl: string;
  headers: Record<string, string>;
  /**
   * When set, every request carries `Authorization: Bearer <tokens.token()>` (over any authorization in
   * `headers`), and a 401 renews the token once and repeats the request.
   */
  tokens?: BearerTokens<unknown>;
}

/**
 * The Intercom API version sent with every call. intercom-client 7 (the write side) sends 2.14; reads
 * use the same version so both sides see one conversation and article model.
 * https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/api-versioning
 */
export const INTERCOM_VERSION = '2.14';

/** What the Zendesk settings are called, for "no credentials" messages. */
export const ZENDESK_CREDENTIALS_HINT = 'ZENDESK_ACCESS_TOKEN, or ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET with APP_ENCRYPTION_KEY';

/**
 * Zendesk reads with the writer's credentials (zendeskAuthOf: a static OAuth access token or the
 * client-credentials grant): one token provider, granted and renewed in one place.
 */
export function zendeskAccess(auth: { baseUrl: string; tokens: BearerTokens<unknown> } | undefined): HelpdeskAccess | undefined {
  if (!auth) return undefined;
  return { provider: 'zendesk', baseUrl: auth.baseUrl.replace(/\/+$/, ''), headers: { accept: 'application/json' }, tokens: auth.tokens };
}

export function intercomAccess(intercom: Pick<IntercomAccount, 'baseUrl' | 'accessToken'>): HelpdeskAccess | undefined {
  if (!intercom.accessToken) return undefined;
  return {
    provider: 'intercom',
    baseUrl: intercom.baseUrl,
    headers: { authorization: `Bearer ${intercom.accessToken}`, accept: 'application/json', 'intercom-version': INTERCOM_VERSION },
  };
}
