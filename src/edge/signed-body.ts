import type { Verification } from './provider-edge';
import { matchesAnySecret } from './hmac';

export interface SignedBodyCheck {
  secrets: readonly string[];
  /** the header's value, if sent */
  signature: string | undefined;
  /** the digest the header carries, or undefined when it is not in the expected form */
  received: (signature: string) => Buffer | undefined;
  digest: (secret: string) => Buffer;
  /** for messages: the header's name, the setting holding the secrets, who should have signed */
  header: string;
  setting: string;
  signer: string;
}

/** A body signed with the app's secret: configured, sent, well-formed, and matching one secret in constant time. */
export function verifySignedBody(c: SignedBodyCheck): Verification {
  if (c.secrets.length === 0) {
    return { ok: false, code: 'not_configured', message: `${c.setting} is not set; copy your app's client secret from Intercom's Developer Hub into it` };
  }
  if (!c.signature) return { ok: false, code: 'signature_missing', message: `missing header ${c.header}; the request was not signed by ${c.signer}` };
  const received = c.received(c.signature.trim());
  if (!received || !matchesAnySecret(received, c.secrets, c.digest)) {
    return { ok: false, code: 'signature_mismatch', message: `${c.header} does not match the body; compare your app's client secret in Intercom's Developer Hub with ${c.setting}` };
  }
  return { ok: true };
}
