import type { HelpdeskAccess } from '../helpdesk/access';
import type { ZendeskAuth } from '../helpdesk/zendesk/oauth';

/**
 * One helpdesk account this deployment serves, with what its writers, readers and syncs need. It
 * comes from the environment (the single-account variables) or from an OAuth install. `version`
 * changes when the account is installed again, so whatever was built for the old credentials is
 * built anew.
 */
interface AccountBase {
  tenant: string;
  source: 'environment' | 'install';
  version: string;
}

export interface ZendeskTenantAccount extends AccountBase {
  provider: 'zendesk';
  subdomain: string;
  auth: ZendeskAuth;
  /** draftpilot's own Zendesk user (ZENDESK_BOT_USER_ID, or the user who installed) */
  botUserId?: string;
  /** ZENDESK_ESCALATION_GROUP_ID (the environment's account; installs set theirs in the tenant's settings) */
  escalationGroupId?: string;
  /** the signing secret of the webhook the install created (the environment's are ZENDESK_WEBHOOK_SECRETS) */
  webhookSecret?: string;
}

export interface IntercomTenantAccount extends AccountBase {
  provider: 'intercom';
  workspaceId: string;
  access: HelpdeskAccess;
  /** the admin notes are written as (INTERCOM_ADMIN_ID, or the admin who installed) */
  adminId?: string;
  escalationTeamId?: string;
}

export type TenantAccount = ZendeskTenantAccount | IntercomTenantAccount;

/** Where the accounts come from: every layer asks this, never the environment. */
export interface Accounts {
  /** the account of a tenant, or undefined when none is installed or configured */
  get(tenant: string): Promise<TenantAccount | undefined>;
  list(): Promise<TenantAccount[]>;
}
