import { header, Headers, Verification } from '../provider-edge';
import { hmac } from '../hmac';
import { verifySignedBody } from '../signed-body';

export const CANVAS_SIGNATURE_HEADER = 'x-body-signature';

/**
 * Canvas Kit requests (the inbox app's initialize and submit) carry `X-Body-Signature`:
 * hex(HMAC-SHA256(client_secret, rawBody)), unlike webhooks (X-Hub-Signature, SHA-1). Compared in
 * constant time against every configured secret, so a rotation can list the new and the old one.
 * https://developers.intercom.com/docs/build-an-integration/canvas-kit#signing-notifications
 */
export function verifyCanvasSignature(rawBody: Buffer, headers: Headers, secrets: readonly string[]): Verification {
  return verifySignedBody({
    secrets,
    signature: header(headers, CANVAS_SIGNATURE_HEADER),
    received: (s) => (/^[0-9a-f]{64}$/i.test(s) ? Buffer.from(s, 'hex') : undefined),
    digest: (secret) => hmac('sha256', secret, rawBody),
    header: 'X-Body-Signature',
    setting: 'INTERCOM_CLIENT_SECRETS',
    signer: 'Intercom',
  });
}

export function signCanvas(rawBody: string | Buffer, secret: string): Record<string, string> {
  return { [CANVAS_SIGNATURE_HEADER]: hmac('sha256', secret, rawBody).toString('hex') };
}
