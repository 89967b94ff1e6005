import { randomBytes } from 'node:crypto';

/** A random signing secret for the demo and tests. */
export function randomSecret(): string {
  return randomBytes(24).toString('base64url');
}
