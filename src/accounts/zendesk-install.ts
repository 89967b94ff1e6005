import type { Kysely } from 'kysely';
import { z } from 'zod';
import { describe } from '../domain/errors';
import { staticAccessToken } from '../helpdesk/zendesk/oauth';
import type { TokenCipher } from '../helpdesk/zendesk/token-cipher';
import { HttpSetupApi } from '../setup/setup-api';
import { applyWebhook, desiredWebhook, listWebhooks, planWebhook, readSecret, ZENDESK_WEBHOOK_NAME } from '../setup/zendesk-webhooks';
import type { Database } from '../store/schema';
import { saveInstall } from './account-rows';
import { webhookSecretAad } from './account-directory';

const meSchema = z.looseObject({ user: z.looseObject({ id: z.union([z.number(), z.string()]).transform(String), role: z.string().nullish() }) });

export interface ZendeskInstall {
  tenant: string;
  /** the account's API origin */
  baseUrl: string;
  /** the access token the install was just granted */
  accessToken: string;
}

export interface InstallOutcome {
  /** the event webhook draftpilot keeps in the account: created, updated, unchanged, or not made */
  webhook: 'created' | 'updated' | 'unchanged' | 'failed';
  detail?: string;
}

/**
 * What a Zendesk install sets up, after the tokens are stored: who draftpilot acts as (GET
 * /api/v2/users/me), the event webhook to PUBLIC_URL/webhooks/zendesk (created or brought up to
 * date, as `draftpilot setup zendesk` does), and its signing secret, sealed, so the account's
 * deliveries verify without any configured secret. Then the account row: served by every process
 * within accounts.refresh_ms. A webhook that cannot be made (the installer is not an admin) leaves
 * the account installed, to be fixed with `draftpilot setup zendesk`; the outcome says so.
 */
export async function registerZendeskInstall(db: Kysely<Database>, install: ZendeskInstall, deps: { cipher: TokenCipher; publicUrl: string; now: Date }): Promise<InstallOutcome> {
  const api = new HttpSetupApi({ provider: 'zendesk', baseUrl: install.baseUrl, headers: { accept: 'application/json' }, tokens: staticAccessToken(install.accessToken) });
  const me = await api.get('/api/v2/users/me.json', meSchema);
  let outcome: InstallOutcome;
  let webhookId: string | null = null;
  let sealedSecret: string | null = null;
  try {
    const { webhook, problem } = planWebhook(await listWebhooks(api, ZENDESK_WEBHOOK_NAME), desiredWebhook(deps.publicUrl), false);
    if (problem) throw new Error(problem);
    const applied = await applyWebhook(api, webhook);
    if (!applied.id) throw new Error('Zendesk did not return the webhook id');
    webhookId = applied.id;
    sealedSecret = deps.cipher.seal(await readSecret(api, applied.id), webhookSecretAad(install.tenant));
    outcome = { webhook: applied.action === 'created' ? 'created' : applied.action === 'updated' ? 'updated' : 'unchanged' };
  } catch (err) {
    outcome = { webhook: 'failed', detail: describe(err) };
  }
  await saveInstall(db, { tenant: install.tenant, provider: 'zendesk', apiBaseUrl: install.baseUrl, ownUserId: me.user.id, webhookId, sealedWebhookSecret: sealedSecret, at: deps.now });
  return outcome;
}
