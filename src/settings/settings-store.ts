import type { Kysely } from 'kysely';
import { storableJson } from '../domain/storable-text';
import type { Database } from '../store/schema';
import { parseTenantSettings, SettingsError, TenantSettings, tenantSettingsSchema } from './tenant-settings';

/** Where an update came from: the Zendesk app's settings, the Intercom settings canvas, or the API. */
export type SettingsSource = 'zendesk_app' | 'intercom_app' | 'api';

export interface StoredSettings {
  tenant: string;
  /** the last good settings; null when none were ever applied (the service's configuration then) */
  settings: TenantSettings | null;
  source: string | null;
  applied_at: string | null;
  /** the last refused update's errors, cleared by the next good one */
  last_error: { errors: SettingsError[]; source: string; at: string } | null;
}

export type ApplyResult = { ok: true; settings: TenantSettings } | { ok: false; errors: SettingsError[] };

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

/**
 * Validates and stores a tenant's settings. A valid update replaces the last good one (and clears the
 * last error); an invalid one is recorded as the last error and never replaces it.
 */
export async function applyTenantSettings(db: Kysely<Database>, tenant: string, raw: unknown, options: { source: SettingsSource; now: Date }): Promise<ApplyResult> {
  const parsed = parseTenantSettings(raw);
  const now = options.now;
  if (parsed.ok) {
    const values = { settings: storableJson(parsed.settings), source: options.source, applied_at: now, last_error: null, last_error_at: null, updated_at: now };
    await db.insertInto('tenant_settings').values({ tenant, ...values }).onConflict((oc) => oc.column('tenant').doUpdateSet(values)).execute();
    return parsed;
  }
  const error = storableJson({ errors: parsed.errors, source: options.source });
  await db
    .insertInto('tenant_settings')
    .values({ tenant, settings: null, source: null, applied_at: null, last_error: error, last_error_at: now, updated_at: now })
    .onConflict((oc) => oc.column('tenant').doUpdateSet({ last_error: error, last_error_at: now, updated_at: now }))
    .execute();
  return parsed;
}

const storedError = (value: unknown, at: Date | string | null): StoredSettings['last_error'] => {
  const v = value as { errors?: SettingsError[]; source?: string } | null;
  return v?.errors ? { errors: v.errors, source: v.source ?? 'api', at: iso(at) ?? '' } : null;
};

/** What is stored for a tenant (nothing stored: no settings, no error). */
export async function storedTenantSettings(db: Kysely<Database>, tenant: string): Promise<StoredSettings> {
  const row = await db.selectFrom('tenant_settings').selectAll().where('tenant', '=', tenant).executeTakeFirst();
  if (!row) return { tenant, settings: null, source: null, applied_at: null, last_error: null };
  // settings stored by this version parse; a row another version wrote and this one cannot read counts as none
  const settings = row.settings === null ? null : tenantSettingsSchema.safeParse(row.settings);
  return {
    tenant,
    settings: settings?.success ? settings.data : null,
    source: row.source,
    applied_at: iso(row.applied_at),
    last_error: storedError(row.last_error, row.last_error_at),
  };
}

/** A tenant's last good settings, or undefined (the service's configuration applies). */
export async function tenantSettingsOf(db: Kysely<Database>, tenant: string): Promise<TenantSettings | undefined> {
  return (await storedTenantSettings(db, tenant)).settings ?? undefined;
}
