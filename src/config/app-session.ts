import { randomBytes } from 'node:crypto';
import type { Env } from './env';

export interface AppSessionSettings {
  /** the HS256 key of the apps' sessions (src/apps/app-session.ts) */
  secret: string;
  /** false when made up for this process: sessions end on a restart (the app then reloads) */
  persistent: boolean;
  ttlSeconds: number;
}

/**
 * APP_SESSION_SECRET, or a random secret for this process. Several web processes behind one address
 * need the same APP_SESSION_SECRET, or a session minted by one is refused by the others.
 */
export function appSessionOf(env: Pick<Env, 'APP_SESSION_SECRET' | 'APP_SESSION_TTL_SECONDS'>): AppSessionSettings {
  return env.APP_SESSION_SECRET
    ? { secret: env.APP_SESSION_SECRET, persistent: true, ttlSeconds: env.APP_SESSION_TTL_SECONDS }
    : { secret: randomBytes(32).toString('base64url'), persistent: false, ttlSeconds: env.APP_SESSION_TTL_SECONDS };
}
