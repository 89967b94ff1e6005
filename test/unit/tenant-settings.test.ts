import { effectiveSettings, ServiceDefaults } from '../../src/settings/effective-settings';
import { parseTenantSettings } from '../../src/settings/tenant-settings';

const categories = { categories: [{ id: 'shipping', name: 'Shipping', description: '', examples: [], mode: 'review' as const, sensitive: false, strict: false }], promotion: { min_clean_approvals: 50, window: 100, min_clean_rate: 0.9, auto_promote: false }, demotion: { sample_window: 20, max_reject_rate: 0.1 }, sampling: { autopilot_rate: 0.1, solved_rate: 0.05 } };
const defaults: ServiceDefaults = { categories, thresholds: { negative_sentiment: -0.5, low_confidence: 0.4, autopilot: 0.8 }, deliveryMode: () => 'note', escalation: { zendesk_group_id: '1' } };

describe('tenant settings', () => {
  it('accepts categories as an object, JSON text or YAML text, the same shape as config/categories.yaml', () => {
    const object = { categories: [{ id: 'shipping', name: 'Shipping', mode: 'autopilot' }] };
    for (const given of [object, JSON.stringify(object), 'categories:\n  - id: shipping\n    name: Shipping\n    mode: autopilot\n']) {
      const r = parseTenantSettings({ categories: given });
      expect(r.ok && r.settings.categories?.categories[0]).toMatchObject({ id: 'shipping', mode: 'autopilot', sensitive: false, examples: [] });
    }
    expect(parseTenantSettings('delivery_mode: pending_macro\nescalation: {zendesk_group_id: 42}')).toEqual({ ok: true, settings: { delivery_mode: 'pending_macro', escalation: { zendesk_group_id: '42' } } });
    expect(parseTenantSettings('')).toEqual({ ok: true, settings: {} });
  });

  it('names each wrong path', () => {
    expect(parseTenantSettings({ thresholds: { autopilot: 2 }, sampling: { solved_rate: -1 }, escalation: { intercom_team_id: 'team' } })).toEqual({
      ok: false,
      errors: [
        { path: 'thresholds.autopilot', message: expect.stringMatching(/1/) },
        { path: 'sampling.solved_rate', message: expect.stringMatching(/0/) },
        { path: 'escalation.intercom_team_id', message: 'a numeric Intercom team id' },
      ],
    });
    expect(parseTenantSettings({ categories: '{' })).toMatchObject({ ok: false, errors: [{ path: 'categories', message: expect.stringMatching(/^not YAML or JSON/) }] });
    expect(parseTenantSettings({ categories: { categories: [] } })).toMatchObject({ ok: false, errors: [{ path: 'categories.categories', message: 'at least one category' }] });
  });

  it('the effective settings take the tenant\'s where it has them, the service\'s elsewhere', () => {
    expect(effectiveSettings(null, defaults, 'zendesk:acme')).toEqual({ categories, thresholds: defaults.thresholds, sampling: categories.sampling, delivery_mode: 'note', escalation: { zendesk_group_id: '1', intercom_team_id: null } });
    const own = parseTenantSettings({ thresholds: { autopilot: 0.95 }, sampling: { autopilot_rate: 0.5 }, delivery_mode: 'pending_macro', escalation: { intercom_team_id: '7' } });
    if (!own.ok) throw new Error('expected valid settings');
    expect(effectiveSettings(own.settings, defaults, 'zendesk:acme')).toEqual({
      categories,
      thresholds: { ...defaults.thresholds, autopilot: 0.95 },
      sampling: { autopilot_rate: 0.5, solved_rate: 0.05 },
      delivery_mode: 'pending_macro',
      escalation: { zendesk_group_id: '1', intercom_team_id: '7' },
    });
  });
});
