import type { ProviderEdge, SigningAccount, Verification } from '../provider-edge';
import { normalizeZendesk, zendeskSolve } from './normalize';
import { routeZendesk } from './route';
import { verifyZendesk } from './verify';

export interface ZendeskEdgeOptions {
  secrets: readonly string[];
  toleranceSeconds: number;
  subdomain?: string;
  botUserId?: string;
  /** installed accounts' own webhook secrets (as last read): a body one of them signed is that account's */
  accountSecrets?: () => readonly SigningAccount[];
}

/**
 * The configured secrets first (ZENDESK_WEBHOOK_SECRETS: the environment's account, or every account
 * when they share a webhook), then each installed account's own: the one that matches names the tenant.
 */
function verifyAny(options: ZendeskEdgeOptions, raw: Buffer, headers: Parameters<ProviderEdge['verify']>[1], now: Date): Verification {
  const accounts = options.accountSecrets?.() ?? [];
  const configured = verifyZendesk(raw, headers, options.secrets, now, options.toleranceSeconds);
  if (configured.ok || accounts.length === 0) return configured;
  if (configured.code !== 'signature_mismatch' && configured.code !== 'not_configured') return configured;
  for (const account of accounts) {
    if (verifyZendesk(raw, headers, [account.secret], now, options.toleranceSeconds).ok) return { ok: true, account };
  }
  return options.secrets.length === 0 ? { ok: false, code: 'signature_mismatch', message: "X-Zendesk-Webhook-Signature matches no installed account's webhook secret; install the account again to recreate its webhook" } : configured;
}

export function zendeskEdge(options: ZendeskEdgeOptions): ProviderEdge {
  return {
    provider: 'zendesk',
    secretSetting: 'ZENDESK_WEBHOOK_SECRETS',
    verify: (raw, headers, now) => verifyAny(options, raw, headers, now),
    route: (json, headers, raw, _now, account) =>
      routeZendesk(json, headers, raw, account ? { subdomain: account.tenant.slice('zendesk:'.length), ...(account.botUserId ? { botUserId: account.botUserId } : {}) } : options),
    normalize: (payload, ctx) => normalizeZendesk(payload, ctx, options),
    // a ticket's creation, a comment, a trigger body: each tells of a comment; a status change does not
    announcesMessage: (payload) => (payload as { type?: unknown } | null)?.type !== 'zen:event-type:ticket.status_changed',
    solveOf: zendeskSolve,
  };
}
