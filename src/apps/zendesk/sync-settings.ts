import type { Kysely } from 'kysely';
import { applyTenantSettings, tenantSettingsOf } from '../../settings/settings-store';
import type { Database } from '../../store/schema';
import { settingPathOf, tenantSettingsFromInstallation } from './installation-settings';

/** What the sidebar shows about the tenant's settings after a load applied the installation's. */
export interface SettingsState {
  /** the refused settings' errors, paths named as the app's settings; null when they were applied */
  errors: { path: string; message: string }[] | null;
  /** where Escalate sends tickets: the settings in use, or the server's ZENDESK_ESCALATION_GROUP_ID */
  escalationGroupId: string | null;
  note: string | null;
}

/**
 * Applies an installation's settings (as read from Zendesk) to the tenant: valid ones replace the
 * last good configuration, invalid ones are refused and the last good one stays in use.
 */
export async function syncInstallationSettings(
  db: Kysely<Database>,
  tenant: string,
  installationSettings: Record<string, unknown>,
  options: { now: Date; fallbackGroupId: string | null },
): Promise<SettingsState> {
  const result = await applyTenantSettings(db, tenant, tenantSettingsFromInstallation(installationSettings), { source: 'zendesk_app', now: options.now });
  const inUse = result.ok ? result.settings : await tenantSettingsOf(db, tenant);
  return {
    errors: result.ok ? null : result.errors.map((e) => ({ path: settingPathOf(e.path), message: e.message })),
    escalationGroupId: inUse?.escalation?.zendesk_group_id ?? options.fallbackGroupId,
    note: null,
  };
}
