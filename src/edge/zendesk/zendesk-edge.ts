import type { ProviderEdge } from '../provider-edge';
import { normalizeZendesk, zendeskSolve } from './normalize';
import { routeZendesk } from './route';
import { verifyZendesk } from './verify';

export interface ZendeskEdgeOptions {
  secrets: readonly string[];
  toleranceSeconds: number;
  subdomain?: string;
  botUserId?: string;
}

export function zendeskEdge(options: ZendeskEdgeOptions): ProviderEdge {
  return {
    provider: 'zendesk',
    secretSetting: 'ZENDESK_WEBHOOK_SECRETS',
    verify: (raw, headers, now) => verifyZendesk(raw, headers, options.secrets, now, options.toleranceSeconds),
    route: (json, headers, raw) => routeZendesk(json, headers, raw, options),
    normalize: (payload, ctx) => normalizeZendesk(payload, ctx, options),
    // a ticket's creation, a comment, a trigger body: each tells of a comment; a status change does not
    announcesMessage: (payload) => (payload as { type?: unknown } | null)?.type !== 'zen:event-type:ticket.status_changed',
    solveOf: zendeskSolve,
  };
}
