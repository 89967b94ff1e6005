import type { ZodError } from 'zod';

/** "detail.id: expected string" — the path tells a sender what to fix. */
export function zodMessage(error: ZodError, max = 3): string {
  return error.issues
    .slice(0, max)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}
