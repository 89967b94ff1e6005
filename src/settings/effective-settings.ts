import type { CategoriesFile } from '../policy/categories';
import type { TenantSettings } from './tenant-settings';

/** The service's own configuration, which a tenant's settings override field by field. */
export interface ServiceDefaults {
  categories: CategoriesFile;
  thresholds: { negative_sentiment: number; low_confidence: number; autopilot: number };
  /** the delivery mode the service's settings give a tenant (delivery.zendesk.pending_macros) */
  deliveryMode: (tenant: string) => 'note' | 'pending_macro';
  escalation: { zendesk_group_id?: string; intercom_team_id?: string };
}

export interface EffectiveSettings {
  categories: CategoriesFile;
  thresholds: ServiceDefaults['thresholds'];
  sampling: CategoriesFile['sampling'];
  delivery_mode: 'note' | 'pending_macro';
  escalation: { zendesk_group_id: string | null; intercom_team_id: string | null };
}

/** What drafting and delivery use for a tenant: its own settings where it has them, the service's elsewhere. Pure. */
export function effectiveSettings(own: TenantSettings | null, defaults: ServiceDefaults, tenant: string): EffectiveSettings {
  const categories = own?.categories ?? defaults.categories;
  return {
    categories,
    thresholds: { ...defaults.thresholds, ...own?.thresholds },
    sampling: { ...categories.sampling, ...own?.sampling },
    delivery_mode: own?.delivery_mode ?? defaults.deliveryMode(tenant),
    escalation: {
      zendesk_group_id: own?.escalation?.zendesk_group_id ?? defaults.escalation.zendesk_group_id ?? null,
      intercom_team_id: own?.escalation?.intercom_team_id ?? defaults.escalation.intercom_team_id ?? null,
    },
  };
}
