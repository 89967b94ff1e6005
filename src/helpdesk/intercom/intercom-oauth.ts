import { z } from 'zod';
import { OauthInstallError } from '../zendesk/oauth-install';

/**
 * Intercom's OAuth flow for public apps: the teammate approves at https://app.intercom.com/oauth
 * (client_id, state, redirect_uri), Intercom sends them back with a code, and POST
 * <api host>/auth/eagle/token {code, client_id, client_secret} answers the workspace's access token,
 * which does not expire. https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/setting-up-oauth
 */
export const INTERCOM_AUTHORIZE_URL = 'https://app.intercom.com/oauth';

export function intercomAuthorizationUrl(p: { clientId: string; redirectUri: string; state: string }, authorizeUrl = INTERCOM_AUTHORIZE_URL): string {
  return `${authorizeUrl}?${new URLSearchParams({ client_id: p.clientId, state: p.state, redirect_uri: p.redirectUri }).toString()}`;
}

const tokenSchema = z.looseObject({ token: z.string().min(1).optional(), access_token: z.string().min(1).optional() }).refine((t) => t.token || t.access_token, 'no token');

/** The access token for the code; every failure an OauthInstallError (502: Intercom, not the browser, refused). */
export async function exchangeIntercomCode(x: { apiBaseUrl: string; code: string; clientId: string; clientSecret: string; timeoutMs?: number }): Promise<string> {
  const url = `${x.apiBaseUrl.replace(/\/+$/, '')}/auth/eagle/token`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ code: x.code, client_id: x.clientId, client_secret: x.clientSecret }),
      signal: AbortSignal.timeout(x.timeoutMs ?? 20_000),
    });
  } catch (err) {
    throw new OauthInstallError(502, 'intercom_unreachable', `Intercom could not be reached at ${url} (${(err as Error).message}); try the install again`);
  }
  const text = await res.text();
  if (!res.ok) {
    throw new OauthInstallError(502, 'intercom_oauth_exchange_failed', `Intercom refused the authorization code: ${url} answered ${res.status}; check INTERCOM_OAUTH_CLIENT_ID / INTERCOM_OAUTH_CLIENT_SECRET and that the redirect URL is one of the app's, then start again`);
  }
  try {
    const answer = tokenSchema.parse(JSON.parse(text));
    return (answer.access_token ?? answer.token)!;
  } catch {
    throw new OauthInstallError(502, 'intercom_unexpected_response', `Intercom answered ${res.status} at ${url} without an access token`);
  }
}
