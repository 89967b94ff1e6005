import { zendeskOrigin, zendeskTenant } from '../domain/tenant';
import type { Env } from './env';

/** How draftpilot reaches the one Zendesk account the environment names. */
export interface ZendeskAccount {
  subdomain?: string;
  /** zendesk:<subdomain>, when ZENDESK_SUBDOMAIN is set */
  tenant?: string;
  /** ZENDESK_BASE_URL (a proxy or a test host) or https://<subdomain>.zendesk.com, without a trailing slash */
  baseUrl?: string;
  /** the key its OAuth tokens are stored and sealed under: the tenant, or zendesk:<host> of ZENDESK_BASE_URL */
  tokenAccount?: string;
  accessToken?: string;
  oauthClientId?: string;
  oauthClientSecret?: string;
  encryptionKey?: string;
  botUserId?: string;
  escalationGroupId?: string;
  /** ZENDESK_APP_ID: the uploaded sidebar app, whose public key signs its loads */
  appId?: string;
}

/** How draftpilot reaches the Intercom workspace the environment's token belongs to. */
export interface IntercomAccount {
  /** INTERCOM_BASE_URL without a trailing slash (the US, EU or AU region, or a proxy) */
  baseUrl: string;
  accessToken?: string;
  adminId?: string;
  escalationTeamId?: string;
  /** INTERCOM_SETTINGS_ADMIN_IDS: the teammates who see the inbox app's settings canvas */
  settingsAdminIds: string[];
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Derived once from the parsed environment; every layer takes these instead of reading variables. */
export function zendeskAccountOf(env: Env): ZendeskAccount {
  const subdomain = env.ZENDESK_SUBDOMAIN;
  const tenant = subdomain ? zendeskTenant(subdomain) : undefined;
  const base = env.ZENDESK_BASE_URL ?? (subdomain ? zendeskOrigin(subdomain) : undefined);
  const baseUrl = base ? trimSlash(base) : undefined;
  return {
    ...(subdomain ? { subdomain } : {}),
    ...(tenant ? { tenant } : {}),
    ...(baseUrl ? { baseUrl, tokenAccount: tenant ?? zendeskTenant(new URL(baseUrl).host) } : {}),
    ...(env.ZENDESK_ACCESS_TOKEN ? { accessToken: env.ZENDESK_ACCESS_TOKEN } : {}),
    ...(env.ZENDESK_OAUTH_CLIENT_ID ? { oauthClientId: env.ZENDESK_OAUTH_CLIENT_ID } : {}),
    ...(env.ZENDESK_OAUTH_CLIENT_SECRET ? { oauthClientSecret: env.ZENDESK_OAUTH_CLIENT_SECRET } : {}),
    ...(env.APP_ENCRYPTION_KEY ? { encryptionKey: env.APP_ENCRYPTION_KEY } : {}),
    ...(env.ZENDESK_BOT_USER_ID ? { botUserId: env.ZENDESK_BOT_USER_ID } : {}),
    ...(env.ZENDESK_ESCALATION_GROUP_ID ? { escalationGroupId: env.ZENDESK_ESCALATION_GROUP_ID } : {}),
    ...(env.ZENDESK_APP_ID ? { appId: env.ZENDESK_APP_ID } : {}),
  };
}

export function intercomAccountOf(env: Env): IntercomAccount {
  return {
    baseUrl: trimSlash(env.INTERCOM_BASE_URL),
    ...(env.INTERCOM_ACCESS_TOKEN ? { accessToken: env.INTERCOM_ACCESS_TOKEN } : {}),
    ...(env.INTERCOM_ADMIN_ID ? { adminId: env.INTERCOM_ADMIN_ID } : {}),
    ...(env.INTERCOM_ESCALATION_TEAM_ID ? { escalationTeamId: env.INTERCOM_ESCALATION_TEAM_ID } : {}),
    settingsAdminIds: env.INTERCOM_SETTINGS_ADMIN_IDS,
  };
}

/** Whether any Zendesk credentials are set (a token or either half of an OAuth client). */
export function hasZendeskCredentials(account: ZendeskAccount): boolean {
  return Boolean(account.accessToken || account.oauthClientId || account.oauthClientSecret);
}

/**
 * Credentials meant for one account that the environment does not name: a token, or an OAuth client
 * aimed at ZENDESK_BASE_URL. An OAuth client alone is the client other accounts install through.
 */
export function credentialsWithoutAccount(account: ZendeskAccount): boolean {
  return !account.tenant && Boolean(account.accessToken || (account.baseUrl && hasZendeskCredentials(account)));
}
