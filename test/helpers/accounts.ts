import { intercomAccountOf, zendeskAccountOf } from '../../src/config/accounts';
import { parseEnv } from '../../src/config/env';
import { ZendeskAuth, zendeskAuthOf } from '../../src/helpdesk/zendesk/oauth';
import { MemoryTokenStore, TokenStore } from '../../src/helpdesk/zendesk/token-store';

/** The helpdesk accounts a raw environment configures, derived as the service derives them. */
export function accountsOf(raw: NodeJS.ProcessEnv) {
  const env = parseEnv(raw);
  return { zendesk: zendeskAccountOf(env), intercom: intercomAccountOf(env) };
}

/** The Zendesk credentials a raw environment configures, as the service builds them. */
export function zendeskAuthFromRaw(raw: NodeJS.ProcessEnv, deps: { store?: TokenStore } = {}): ZendeskAuth | undefined {
  return zendeskAuthOf(accountsOf(raw).zendesk, { store: deps.store ?? new MemoryTokenStore() });
}
