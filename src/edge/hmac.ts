import { createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time match of a received digest against each configured secret; lengths are checked first. */
export function matchesAnySecret(
  received: Buffer,
  secrets: readonly string[],
  digest: (secret: string) => Buffer,
): boolean {
  let matched = false;
  for (const secret of secrets) {
    const expected = digest(secret);
    if (expected.length === received.length && timingSafeEqual(expected, received)) matched = true;
  }
  return matched;
}

export function hmac(algorithm: 'sha1' | 'sha256', secret: string, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}
