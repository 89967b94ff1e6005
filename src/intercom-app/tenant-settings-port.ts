import type { Kysely } from 'kysely';
import { effectiveSettings, ServiceDefaults } from '../settings/effective-settings';
import { applyTenantSettings, storedTenantSettings, tenantSettingsOf } from '../settings/settings-store';
import type { Database } from '../store/schema';
import type { TenantSettingsPort } from './app-deps';
import { settingsCanvas, settingsFromInputs } from './settings-canvas';

/**
 * The settings canvas on the settings store: what is shown is the last good settings, what is saved
 * goes through applyTenantSettings (an invalid update is recorded as the last error and never
 * replaces them). The escalation team is the workspace's effective one: its own, else INTERCOM_ESCALATION_TEAM_ID.
 */
export function tenantSettingsPort(db: Kysely<Database>, options: { defaults: () => ServiceDefaults; now: () => Date }): TenantSettingsPort {
  return {
    async escalationTeam(tenant) {
      return effectiveSettings((await tenantSettingsOf(db, tenant)) ?? null, options.defaults(), tenant).escalation.intercom_team_id ?? undefined;
    },
    async canvas(tenant, errors, typed) {
      const stored = await storedTenantSettings(db, tenant);
      return settingsCanvas({ tenant, current: stored.settings ?? {}, appliedAt: stored.applied_at, lastError: stored.last_error, ...(errors ? { errors } : {}), ...(typed ? { typed } : {}) });
    },
    async save(tenant, inputs) {
      const applied = await applyTenantSettings(db, tenant, settingsFromInputs(inputs), { source: 'intercom_app', now: options.now() });
      return applied.ok ? { ok: true } : { ok: false, errors: applied.errors };
    },
  };
}
