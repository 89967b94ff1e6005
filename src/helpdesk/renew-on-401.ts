import { HelpdeskError } from './helpdesk-error';

/**
 * Bearer tokens that change (Zendesk OAuth): the shape of the AccessTokenProvider (helpdesk/zendesk/oauth.ts).
 * `meter` counts the token grants a call causes, when the caller counts calls.
 */
export interface BearerTokens<M = never> {
  /** the token for the next request (granted or refreshed when needed) */
  token(meter?: M): Promise<string>;
  /** the API answered 401 to `rejected`: a fresh token to repeat once with, or null (the 401 is final) */
  renewAfterUnauthorized(rejected: string, meter?: M): Promise<string | null>;
}

/**
 * Sends with the current token; after a 401, renews once and repeats. A 401 means the request was not
 * applied, so repeating it (a PUT included) is safe. A second 401, or a 401 with nothing to renew (a
 * static token), is final. The one renewal loop of every helpdesk client.
 */
export async function withTokenRenewal<T, M = never>(tokens: BearerTokens<M>, send: (token: string) => Promise<T>, meter?: M): Promise<T> {
  let token = await tokens.token(meter);
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(token);
    } catch (err) {
      if (err instanceof HelpdeskError && err.status === 401 && attempt === 0) {
        const next = await tokens.renewAfterUnauthorized(token, meter);
        if (next) {
          token = next;
          continue;
        }
      }
      throw err;
    }
  }
}
