import { header, Headers, Verification } from '../provider-edge';
import { hmac, matchesAnySecret } from '../hmac';

export const SIGNATURE_HEADER = 'x-hub-signature';
const SETTING = 'INTERCOM_CLIENT_SECRETS';

/**
 * Intercom signs "sha1=" + hex(HMAC-SHA1(client_secret, rawBody)). There is no signed timestamp:
 * replays are stopped by dedupe on the notification id and the age check in route.ts.
 * https://developers.intercom.com/docs/references/webhooks/webhook-models#signed-notifications
 */
export function verifyIntercom(rawBody: Buffer, headers: Headers, secrets: readonly string[]): Verification {
  if (secrets.length === 0) {
    return { ok: false, code: 'not_configured', message: `${SETTING} is not set; copy your app's client secret from Intercom's Developer Hub into it` };
  }
  const signature = header(headers, SIGNATURE_HEADER);
  if (!signature) return { ok: false, code: 'signature_missing', message: 'missing header X-Hub-Signature; the request was not signed by an Intercom webhook' };
  const match = /^sha1=([0-9a-f]{40})$/i.exec(signature.trim());
  const received = match ? Buffer.from(match[1]!, 'hex') : Buffer.alloc(0);
  if (!match || !matchesAnySecret(received, secrets, (secret) => hmac('sha1', secret, rawBody))) {
    return {
      ok: false,
      code: 'signature_mismatch',
      message: `X-Hub-Signature does not match the body; compare your app's client secret in Intercom's Developer Hub with ${SETTING}`,
    };
  }
  return { ok: true };
}

export function signIntercom(rawBody: string | Buffer, secret: string): Record<string, string> {
  return { [SIGNATURE_HEADER]: `sha1=${hmac('sha1', secret, rawBody).toString('hex')}` };
}
