import { header, Headers, Verification } from '../provider-edge';
import { hmac } from '../hmac';
import { verifySignedBody } from '../signed-body';

export const SIGNATURE_HEADER = 'x-hub-signature';

/**
 * Intercom signs "sha1=" + hex(HMAC-SHA1(client_secret, rawBody)). There is no signed timestamp:
 * replays are stopped by dedupe on the notification id and the age check in route.ts.
 * https://developers.intercom.com/docs/references/webhooks/webhook-models#signed-notifications
 */
export function verifyIntercom(rawBody: Buffer, headers: Headers, secrets: readonly string[]): Verification {
  return verifySignedBody({
    secrets,
    signature: header(headers, SIGNATURE_HEADER),
    received: (s) => {
      const match = /^sha1=([0-9a-f]{40})$/i.exec(s);
      return match ? Buffer.from(match[1]!, 'hex') : undefined;
    },
    digest: (secret) => hmac('sha1', secret, rawBody),
    header: 'X-Hub-Signature',
    setting: 'INTERCOM_CLIENT_SECRETS',
    signer: 'an Intercom webhook',
  });
}

export function signIntercom(rawBody: string | Buffer, secret: string): Record<string, string> {
  return { [SIGNATURE_HEADER]: `sha1=${hmac('sha1', secret, rawBody).toString('hex')}` };
}
