import type { HelpdeskProvider } from '../helpdesk/helpdesk-error';
import type { TenantSettings } from '../settings/tenant-settings';

export interface LimitSettings {
  zendesk_calls_per_minute: number;
  intercom_calls_per_minute: number;
  cache_ms: number;
}

/**
 * A tenant's helpdesk calls a minute: its own `limits.helpdesk_calls_per_minute`, else the provider's
 * default. Read from the tenant's settings at most once per `cache_ms` (a call limit is asked for on
 * every helpdesk call); a store that does not answer keeps the last value, or the default.
 */
export function tenantCallLimits(settingsOf: (tenant: string) => Promise<TenantSettings | undefined>, limits: LimitSettings, now: () => number = Date.now) {
  const cached = new Map<string, { value: number | undefined; until: number }>();
  const fallback = (provider: HelpdeskProvider) => (provider === 'zendesk' ? limits.zendesk_calls_per_minute : limits.intercom_calls_per_minute);
  return async (tenant: string, provider: HelpdeskProvider): Promise<number> => {
    const hit = cached.get(tenant);
    if (hit && hit.until > now()) return hit.value ?? fallback(provider);
    let value = hit?.value;
    try {
      value = (await settingsOf(tenant))?.limits?.helpdesk_calls_per_minute;
    } catch {
      // the store is away: keep what was known; the call itself will tell if the helpdesk minds
    }
    cached.set(tenant, { value, until: now() + limits.cache_ms });
    return value ?? fallback(provider);
  };
}
