import type { Provider } from './thread';
import { z } from 'zod';

/**
 * A tenant is one helpdesk account: `zendesk:<subdomain>` or `intercom:<workspace id>`. Every stored
 * row carries it; these are the only places the strings are built.
 */
export function zendeskTenant(subdomain: string): string {
  return `zendesk:${subdomain}`;
}

export function intercomTenant(workspaceId: string): string {
  return `intercom:${workspaceId}`;
}

/** The helpdesk a tenant string belongs to, or undefined when it is not one. */
export function providerOfTenant(tenant: string): Provider | undefined {
  if (tenant.startsWith('zendesk:')) return 'zendesk';
  if (tenant.startsWith('intercom:')) return 'intercom';
  return undefined;
}

/** A Zendesk account's own origin: https://<subdomain>.zendesk.com. */
export function zendeskOrigin(subdomain: string): string {
  return `https://${subdomain}.zendesk.com`;
}

/** A tenant as the API takes it (a query or path parameter). */
export const tenantSchema = z.string().regex(/^(zendesk|intercom):[^\s/]+$/, 'a tenant such as zendesk:acme or intercom:<workspace id>');

/**
 * Where an agent opens a ticket or conversation: Zendesk's agent view of the ticket, Intercom's inbox
 * view of the conversation in the tenant's workspace. Undefined for a tenant of neither helpdesk.
 */
export function threadLink(tenant: string, threadId: string): string | undefined {
  const id = encodeURIComponent(threadId);
  if (tenant.startsWith('zendesk:')) return `${zendeskOrigin(tenant.slice('zendesk:'.length))}/agent/tickets/${id}`;
  if (tenant.startsWith('intercom:')) return `https://app.intercom.com/a/inbox/${encodeURIComponent(tenant.slice('intercom:'.length))}/inbox/conversation/${id}`;
  return undefined;
}
