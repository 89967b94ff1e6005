import type { Config } from '../config';
import { ZendeskAuth, zendeskAuthOf } from '../helpdesk/zendesk/oauth';
import type { TokenStore } from '../helpdesk/zendesk/token-store';
import type { Logger } from '../logger';
import { readConfig } from './read-config';

/** The environment's Zendesk credentials (static token or OAuth client credentials), or undefined when none are set. */
export function zendeskAuthFor(config: Config, tokens: TokenStore, logger: Logger): ZendeskAuth | undefined {
  return readConfig('ZENDESK_ACCESS_TOKEN', () => zendeskAuthOf(config.zendesk, { store: tokens, onWarning: (m) => logger.warn(m) }));
}
