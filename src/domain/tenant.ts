import type { Provider } from './thread';

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
