import { header, Headers, Verification } from '../provider-edge';
import { hmac, matchesAnySecret } from '../hmac';

export const SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';
const SETTING = 'ZENDESK_WEBHOOK_SECRETS';

/**
 * Zendesk signs base64(HMAC-SHA256(secret, timestamp + rawBody)), timestamp first, no separator.
 * https://developer.zendesk.com/documentation/webhooks/verifying/
 * The timestamp is checked in both directions so a replayed or pre-signed body is refused.
 */
export function verifyZendesk(
  rawBody: Buffer,
  headers: Headers,
  secrets: readonly string[],
  now: Date,
  toleranceSeconds: number,
): Verification {
  if (secrets.length === 0) {
    return { ok: false, code: 'not_configured', message: `${SETTING} is not set; copy the webhook's signing secret from Zendesk Admin Center into it` };
  }
  const signature = header(headers, SIGNATURE_HEADER);
  const timestamp = header(headers, TIMESTAMP_HEADER);
  if (!signature) return { ok: false, code: 'signature_missing', message: `missing header X-Zendesk-Webhook-Signature; the request was not signed by a Zendesk webhook` };
  if (!timestamp) return { ok: false, code: 'signature_missing', message: `missing header X-Zendesk-Webhook-Signature-Timestamp; the request was not signed by a Zendesk webhook` };

  const signedAt = Date.parse(timestamp);
  if (Number.isNaN(signedAt)) {
    return { ok: false, code: 'timestamp_invalid', message: 'X-Zendesk-Webhook-Signature-Timestamp is not an ISO-8601 time' };
  }
  const skewSeconds = Math.round((now.getTime() - signedAt) / 1000);
  if (Math.abs(skewSeconds) > toleranceSeconds) {
    const direction = skewSeconds > 0 ? 'old' : 'in the future';
    return {
      ok: false,
      code: 'timestamp_out_of_tolerance',
      message: `X-Zendesk-Webhook-Signature-Timestamp is ${Math.abs(skewSeconds)} s ${direction}; allowed is ${toleranceSeconds} s (ZENDESK_SIGNATURE_TOLERANCE_SECONDS); check this server's clock`,
    };
  }

  const received = Buffer.from(signature, 'base64');
  const ok = received.length === 32 && matchesAnySecret(received, secrets, (secret) => hmac('sha256', secret, timestamp, rawBody));
  if (!ok) {
    return {
      ok: false,
      code: 'signature_mismatch',
      message: `X-Zendesk-Webhook-Signature does not match the body; compare the webhook's signing secret in Zendesk with ${SETTING}`,
    };
  }
  return { ok: true };
}

/** Test and demo helper: the headers Zendesk would send for this body. */
export function signZendesk(rawBody: string | Buffer, secret: string, at: Date = new Date()): Record<string, string> {
  const timestamp = at.toISOString();
  return {
    [SIGNATURE_HEADER]: hmac('sha256', secret, timestamp, rawBody).toString('base64'),
    [TIMESTAMP_HEADER]: timestamp,
  };
}
