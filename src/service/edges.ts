import type { Config } from '../config';
import type { Provider } from '../domain/thread';
import { intercomEdge } from '../edge/intercom/intercom-edge';
import type { ProviderEdge, SigningAccount } from '../edge/provider-edge';
import { zendeskEdge } from '../edge/zendesk/zendesk-edge';

/** The pure inbound contract of each helpdesk, with this deployment's secrets and own ids. */
export function buildEdges(config: Config, accountSecrets?: () => readonly SigningAccount[]): Record<Provider, ProviderEdge> {
  const { env, settings, zendesk, intercom } = config;
  return {
    zendesk: zendeskEdge({
      secrets: env.ZENDESK_WEBHOOK_SECRETS,
      toleranceSeconds: env.ZENDESK_SIGNATURE_TOLERANCE_SECONDS,
      ...(zendesk.subdomain ? { subdomain: zendesk.subdomain } : {}),
      ...(zendesk.botUserId ? { botUserId: zendesk.botUserId } : {}),
      ...(accountSecrets ? { accountSecrets } : {}),
    }),
    intercom: intercomEdge({
      secrets: env.INTERCOM_CLIENT_SECRETS,
      maxAgeSeconds: settings.webhooks.intercom_max_event_age_seconds,
      ...(intercom.adminId ? { adminId: intercom.adminId } : {}),
      apiVersion: settings.webhooks.intercom_api_version,
    }),
  };
}
