import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** The token of an "Authorization: Bearer <token>" header, or undefined. */
export function bearerOf(req: Request): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match ? match[1]!.trim() : undefined;
}

/** Constant-time comparison of a given token with the expected one. */
export function sameToken(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
