import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SETTING_PATHS, settingPathOf, tenantSettingsFromInstallation } from '../../src/apps/zendesk/installation-settings';

/** The Zendesk app's settings (manifest parameters) mapped onto the tenant's settings. */
describe('tenantSettingsFromInstallation', () => {
  it('maps every setting, reads numbers given as text, and leaves empty ones out', () => {
    expect(
      tenantSettingsFromInstallation({
        draftpilot_url: 'https://draftpilot.example.com',
        categories: 'categories: []\n',
        low_confidence_threshold: '0.55',
        negative_sentiment_threshold: -0.4,
        autopilot_threshold: '',
        autopilot_sampling_rate: 0.2,
        solved_sampling_rate: null,
        delivery_mode: ' pending_macro ',
        escalation_group_id: '360002',
      }),
    ).toEqual({
      categories: 'categories: []',
      thresholds: { low_confidence: 0.55, negative_sentiment: -0.4 },
      sampling: { autopilot_rate: 0.2 },
      delivery_mode: 'pending_macro',
      escalation: { zendesk_group_id: '360002' },
    });
  });

  it('passes a number setting that is no number on as text, for validation to name', () => {
    expect(tenantSettingsFromInstallation({ autopilot_threshold: 'high' })).toEqual({ thresholds: { autopilot: 'high' } });
  });

  it('all settings empty: an empty document (the server configuration applies)', () => {
    expect(tenantSettingsFromInstallation({ draftpilot_url: 'https://x.example', categories: '' })).toEqual({});
  });

  it('covers every parameter of the manifest but the server URL', () => {
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../apps/zendesk/manifest.json'), 'utf8')) as { parameters: { name: string }[] };
    expect(manifest.parameters.map((p) => p.name).filter((n) => n !== 'draftpilot_url').sort()).toEqual(Object.keys(SETTING_PATHS).sort());
  });
});

describe('settingPathOf', () => {
  it.each([
    ['thresholds.autopilot', 'autopilot_threshold'],
    ['escalation.zendesk_group_id', 'escalation_group_id'],
    ['categories.categories.0.mode', 'categories: categories.0.mode'],
    ['categories', 'categories'],
    ['(settings)', '(settings)'],
  ])('%s is shown as %s', (given, shown) => {
    expect(settingPathOf(given)).toBe(shown);
  });
});
