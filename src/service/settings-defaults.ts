import type { Config } from '../config';
import { loadCategories, loadEscalation } from '../config/rule-files';
import type { ServiceDefaults } from '../settings/effective-settings';
import { readConfig } from './read-config';

/**
 * The service's configuration that a tenant's own settings override (GET /api/settings/:tenant shows
 * both): the categories and escalation files and the environment, read once, when first asked for.
 */
export function settingsDefaultsOf(config: Config): () => ServiceDefaults {
  let defaults: ServiceDefaults | undefined;
  return () => {
    if (defaults) return defaults;
    const pending = config.settings.delivery.zendesk.pending_macros;
    defaults = {
      categories: readConfig('CATEGORIES_FILE', () => loadCategories(config.env.CATEGORIES_FILE)),
      thresholds: readConfig('ESCALATION_FILE', () => loadEscalation(config.env.ESCALATION_FILE)).thresholds,
      deliveryMode: (tenant) => (tenant.startsWith('zendesk:') && (pending.enabled || pending.tenants.includes(tenant)) ? 'pending_macro' : 'note'),
      escalation: {
        ...(config.zendesk.escalationGroupId ? { zendesk_group_id: config.zendesk.escalationGroupId } : {}),
        ...(config.intercom.escalationTeamId ? { intercom_team_id: config.intercom.escalationTeamId } : {}),
      },
    };
    return defaults;
  };
}
