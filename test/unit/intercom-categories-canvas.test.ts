import type { CategoriesView, CategoryStatus } from '../../src/lifecycle/category-status';
import { parseAction } from '../../src/intercom-app/canvas-action';
import { canvasOf, Component, MAX_CONTENT_BYTES } from '../../src/intercom-app/canvas-schema';
import { categoriesSection, demoteOutcome, evidenceLine, MAX_CATEGORIES_SHOWN, noticeLines, promoteOutcome } from '../../src/intercom-app/categories-canvas';
import { settingsCanvas } from '../../src/intercom-app/settings-canvas';

/** The lifecycle part of the Intercom admin canvas, from a CategoriesView as listCategoryStatus answers it. */

const TENANT = 'intercom:x7k2pq9a';

function status(id: string, overrides: Partial<CategoryStatus> = {}): CategoryStatus {
  return {
    id,
    name: `${id[0]!.toUpperCase()}${id.slice(1)}`,
    mode: 'review',
    sensitive: false,
    strict: false,
    ready: false,
    label: 'review: 12 more clean approvals (38 of 50 within the last 100 reviews)',
    missing: ['12 more clean approvals (38 of 50 within the last 100 reviews)'],
    mode_changed_at: null,
    mode_changed_by: null,
    evidence: { reviews: 40, clean_approvals: 38, clean_rate: 0.95, edit_rate: 0.05, mean_edit_distance: 12, reject_rate: 0, reject_reasons: {}, escalation_rate: 0, escalation_reasons: {}, replaced_rate: 0, source_coverage: 1, window: 100, since: null },
    autopilot_samples: { reviews: 0, rejects: 0, reject_rate: 0, strict_rejects: {}, sample_window: 20, since: null },
    policy: { min_clean_approvals: 50, window: 100, min_clean_rate: 0.9, auto_promote: false, sample_window: 20, max_reject_rate: 0.1, strict: false },
    calibration: { buckets: [], ece: null, reviews: 40 },
    configured_threshold: 0.85,
    weekly: [],
    ...overrides,
  };
}

const view = (categories: CategoryStatus[], notices: CategoriesView['notices'] = []): CategoriesView => ({ tenant: TENANT, categories, notices });
const ids = (c: Component[]) => c.flatMap((x) => ('id' in x && x.id ? [x.id] : []));
const texts = (c: Component[]) => c.flatMap((x) => (x.type === 'text' ? [x.text] : []));
const buttons = (c: Component[]) => c.flatMap((x) => (x.type === 'button' ? [[x.id, x.label]] : []));

describe('the categories of the admin canvas', () => {
  const shipping = status('shipping', { name: 'Shipping', ready: true, label: 'review: ready', missing: [] });
  const orders = status('orders', { name: 'Orders' });
  const returns = status('returns', { name: 'Returns', mode: 'held', sensitive: true, held_reason: 'sensitive', label: 'held: sensitive' });
  const account = status('account', {
    name: 'Account',
    mode: 'autopilot',
    strict: true,
    label: 'autopilot',
    mode_changed_at: '2026-03-30T08:00:00.000Z',
    evidence: { ...orders.evidence, reviews: 7, clean_approvals: 6, clean_rate: 0.8571, since: '2026-03-30T08:00:00.000Z' },
    autopilot_samples: { reviews: 3, rejects: 1, reject_rate: 0.3333, strict_rejects: {}, sample_window: 20, since: '2026-03-30T08:00:00.000Z' },
    suggested_threshold: 0.82,
  });

  it('lists each category with its label, clean rate and review count; Promote on ready ones in review, Back to review on autopilot ones', () => {
    const section = categoriesSection(view([shipping, orders, returns, account]));
    canvasOf(section);
    expect(buttons(section)).toEqual([
      ['demote:account', 'Back to review: Account'],
      ['promote:shipping', 'Promote Shipping'],
    ]);
    const all = texts(section);
    expect(all).toEqual(expect.arrayContaining(['**Shipping** · review: ready', '**Orders** · review: 12 more clean approvals (38 of 50 within the last 100 reviews)', '**Returns** · held: sensitive', '**Account** · autopilot']));
    expect(all).toContain('Clean rate 95% over 40 reviews (the last 100 count)');
    // autopilot first, then ready, then the rest, then held
    expect(all.filter((t) => t.includes('** · ')).map((t) => t.split('**')[1])).toEqual(['Account', 'Shipping', 'Orders', 'Returns']);
  });

  it('shows an autopilot category\'s sampled replies, the fresh window and the suggested threshold', () => {
    expect(evidenceLine({ ...status('account'), ...{ mode: 'autopilot' as const, strict: true, autopilot_samples: { reviews: 3, rejects: 1, reject_rate: 0.3333, strict_rejects: {}, sample_window: 20, since: null }, suggested_threshold: 0.82 } })).toBe(
      'Clean rate 95% over 40 reviews (the last 100 count) · sampled autopilot replies: 3 reviewed, 1 rejected (back to review above 10%, or on one policy violation or wrong information) · suggested autopilot threshold 0.82 (configured 0.85)',
    );
    expect(evidenceLine(status('orders', { evidence: { ...orders.evidence, reviews: 0, clean_approvals: 0, clean_rate: 0, since: '2026-03-30T08:00:00.000Z' } }))).toBe('No reviews counted yet since 2026-03-30 08:00 UTC');
  });

  it('escapes category names and labels (they come from the tenant\'s settings)', () => {
    const section = categoriesSection(view([status('tricky', { name: '**Big** [deal](https://evil.example)', ready: true, label: 'review: ready' })]));
    expect(texts(section)).toContain('**\\*\\*Big\\*\\* \\[deal\\](https://evil.example)** · review: ready');
  });

  it('cuts a long list with a note, actionable categories first, within the 64 KB of the whole admin canvas', () => {
    const many = Array.from({ length: 200 }, (_, i) => status(`category-${String(i).padStart(3, '0')}`, { name: `${'Very long category name '.repeat(10)}${i}`, label: `review: ${'a missing piece of evidence; '.repeat(20)}`, ...(i === 150 ? { ready: true } : {}) }));
    const section = categoriesSection(view(many));
    expect(texts(section)).toContain(`Showing ${MAX_CATEGORIES_SHOWN} of 200 categories (autopilot and ready ones first). All of them: GET /api/categories?tenant=${TENANT}.`);
    expect(ids(section)[0]).toBe('promote:category-150');
    const notices = Array.from({ length: 20 }, (_, i) => ({ kind: 'repeated_reason' as const, category: 'x', week: '2026-W14', reason: 'wrong_tone', count: 5 + i, message: 'x'.repeat(500) }));
    const settings = settingsCanvas({ tenant: TENANT, current: { categories: { categories: [{ id: 'x', description: 'y'.repeat(30_000) }] } } });
    const whole = canvasOf([...noticeLines(notices, TENANT), ...section, ...settings]);
    expect(Buffer.byteLength(JSON.stringify(whole.canvas.content))).toBeLessThanOrEqual(MAX_CONTENT_BYTES);
  });

  it('no button for an id too long to be a component id', () => {
    expect(ids(categoriesSection(view([status('x'.repeat(95), { ready: true, label: 'review: ready' })])))).toEqual([]);
  });
});

describe('the notices of the admin canvas', () => {
  it('automatic demotions and repeated rejection reasons, at most ten, with where the rest are', () => {
    const lines = noticeLines(
      [
        { kind: 'auto_demotion', category: 'shipping', at: '2026-04-01T09:30:00.000Z', message: 'shipping went back to review: 1 of the last 1 sampled autopilot replies rejected (1 > max_reject_rate 0.1)' },
        ...Array.from({ length: 11 }, (_, i) => ({ kind: 'repeated_reason' as const, category: 'orders', week: `2026-W${10 + i}`, reason: 'wrong_tone', count: 5, message: `orders: 5 drafts rejected as wrong_tone in 2026-W${10 + i}` })),
      ],
      TENANT,
    );
    expect(lines[0]).toEqual({ type: 'text', text: 'Notices', style: 'header' });
    expect(lines[1]).toEqual({ type: 'text', text: '**Automatic demotion** (2026-04-01 09:30 UTC): shipping went back to review: 1 of the last 1 sampled autopilot replies rejected (1 > max_reject_rate 0.1)', style: 'error' });
    expect(texts(lines)).toContain('**Repeated rejection reason**: orders: 5 drafts rejected as wrong_tone in 2026-W10');
    expect(texts(lines)).toContain(`And 2 more: GET /api/categories/notices?tenant=${TENANT}.`);
    expect(noticeLines([], TENANT)).toEqual([]);
  });
});

describe('the outcome of a click', () => {
  const evidence = status('x').evidence;
  it('says what changed, or why nothing did', () => {
    expect(promoteOutcome('Shipping', { ok: true, mode: 'autopilot', changed: true, evidence })).toEqual({ ok: true, message: 'Shipping is now in autopilot.' });
    expect(promoteOutcome('Shipping', { ok: true, mode: 'autopilot', changed: false, evidence }).message).toBe('Shipping was already in autopilot.');
    expect(promoteOutcome('Orders', { ok: false, error: 'not_ready', missing: ['2 more clean approvals (0 of 2 within the last 5 reviews)'], evidence })).toEqual({ ok: false, message: 'Orders is not ready and stays in review. Missing: 2 more clean approvals (0 of 2 within the last 5 reviews).' });
    expect(promoteOutcome('Returns', { ok: false, error: 'sensitive', missing: [], evidence })).toMatchObject({ ok: false, message: expect.stringContaining('sensitive') });
    expect(demoteOutcome('Shipping', { changed: true }).message).toBe('Shipping is back in review: every draft waits for a teammate.');
    expect(demoteOutcome('Shipping', { changed: false }).message).toBe('Shipping was already in review.');
  });

  it('the category actions parse only a category id', () => {
    expect(parseAction('promote:shipping')).toEqual({ kind: 'promote', categoryId: 'shipping' });
    expect(parseAction('demote:orders_2')).toEqual({ kind: 'demote', categoryId: 'orders_2' });
    expect(parseAction('promote:Shipping')).toBeUndefined();
    expect(parseAction('promote:../x')).toBeUndefined();
    expect(parseAction('promote:')).toBeUndefined();
  });
});
