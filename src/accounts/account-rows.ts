import type { Kysely, Selectable } from 'kysely';
import type { Provider } from '../domain/thread';
import type { AccountsTable, Database } from '../store/schema';

/** An account as an install stored it (its tokens are sealed in oauth_tokens under the tenant). */
export interface InstalledAccount {
  tenant: string;
  provider: Provider;
  apiBaseUrl: string;
  /** the Zendesk user or Intercom admin the install acts as */
  ownUserId: string | null;
  webhookId: string | null;
  sealedWebhookSecret: string | null;
  status: 'active' | 'uninstalled';
  installedAt: Date;
  updatedAt: Date;
}

function fromRow(r: Selectable<AccountsTable>): InstalledAccount {
  return {
    tenant: r.tenant,
    provider: r.provider as Provider,
    apiBaseUrl: r.api_base_url,
    ownUserId: r.own_user_id,
    webhookId: r.webhook_id,
    sealedWebhookSecret: r.sealed_webhook_secret,
    status: r.status === 'uninstalled' ? 'uninstalled' : 'active',
    installedAt: new Date(r.installed_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** An install (or a new install of an account that had one): active from now, with what it learned. */
export async function saveInstall(db: Kysely<Database>, a: { tenant: string; provider: Provider; apiBaseUrl: string; ownUserId: string | null; webhookId: string | null; sealedWebhookSecret: string | null; at: Date }): Promise<void> {
  const values = { provider: a.provider, api_base_url: a.apiBaseUrl, own_user_id: a.ownUserId, webhook_id: a.webhookId, sealed_webhook_secret: a.sealedWebhookSecret, status: 'active', installed_at: a.at, updated_at: a.at };
  await db
    .insertInto('accounts')
    .values({ tenant: a.tenant, ...values })
    .onConflict((oc) => oc.column('tenant').doUpdateSet(values))
    .execute();
}

/** Uninstalled: no longer served, its tokens deleted (the row stays, as a record). False when there was no active install. */
export async function markUninstalled(db: Kysely<Database>, tenant: string, at: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('accounts').set({ status: 'uninstalled', updated_at: at, sealed_webhook_secret: null }).where('tenant', '=', tenant).where('status', '=', 'active').executeTakeFirst();
    await trx.deleteFrom('oauth_tokens').where('account', '=', tenant).execute();
    return Number(updated.numUpdatedRows) > 0;
  });
}

/** Every installed account, active first; `active` only those being served. */
export async function loadInstalls(db: Kysely<Database>, options: { activeOnly: boolean }): Promise<InstalledAccount[]> {
  let q = db.selectFrom('accounts').selectAll();
  if (options.activeOnly) q = q.where('status', '=', 'active');
  const rows = await q.orderBy('status').orderBy('tenant').execute();
  return rows.map(fromRow);
}
