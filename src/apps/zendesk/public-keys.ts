import { importSPKI, type KeyLike } from 'jose';

/**
 * The Zendesk app's public key, which signs the sidebar's first load:
 * `GET {account origin}/api/v2/apps/{app id}/public_key.pem` (anonymous, one key per app). Cached per
 * URL for `ttlMs`; a failed fetch is not cached, so the next load asks again.
 */
export class PublicKeys {
  private readonly cache = new Map<string, { key: Promise<KeyLike>; until: number }>();

  constructor(
    private readonly options: { ttlMs?: number; timeoutMs?: number; now?: () => number } = {},
  ) {}

  static urlFor(origin: string, appId: string): string {
    return `${origin.replace(/\/+$/, '')}/api/v2/apps/${encodeURIComponent(appId)}/public_key.pem`;
  }

  get(url: string): Promise<KeyLike> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.cache.get(url);
    if (hit && hit.until > now) return hit.key;
    const key = this.fetchKey(url);
    this.cache.set(url, { key, until: now + (this.options.ttlMs ?? 3_600_000) });
    key.catch(() => this.cache.delete(url));
    return key;
  }

  private async fetchKey(url: string): Promise<KeyLike> {
    const res = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000) });
    const pem = await res.text();
    if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
    return importSPKI(pem.trim(), 'RS256');
  }
}
