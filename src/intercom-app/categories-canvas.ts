import type { PromoteResult } from '../lifecycle/category-lifecycle';
import type { CategoriesView, CategoryStatus } from '../lifecycle/category-status';
import type { Notice } from '../lifecycle/notices';
import { categoryActionId } from './canvas-action';
import type { Component } from './canvas-schema';
import { button, clip, plainText, text } from './canvas-text';

/**
 * The lifecycle part of the admin canvas, pure: the tenant's notices (automatic demotions, repeated
 * rejection reasons), then each category with its label, clean rate and review count, a Promote
 * button on a ready category in review and Back to review on one in autopilot. Category names come
 * from the tenant's settings: escaped like any other text. A long list is cut (the actionable
 * categories first) so the whole admin canvas stays within Canvas Kit's 64 KB.
 */

/** At most this many categories, and this many bytes of them, are listed. */
export const MAX_CATEGORIES_SHOWN = 25;
export const CATEGORIES_BUDGET_BYTES = 32 * 1024;
export const MAX_NOTICES_SHOWN = 10;

const percent = (rate: number) => `${Math.round(rate * 100)}%`;
const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function noticeLine(n: Notice): Component {
  if (n.kind === 'auto_demotion') return text(`**Automatic demotion** (${utc(n.at)}): ${plainText(clip(n.message, 300))}`, 'error');
  return text(`**Repeated rejection reason**: ${plainText(clip(n.message, 300))}`);
}

export function noticeLines(notices: readonly Notice[], tenant: string): Component[] {
  if (!notices.length) return [];
  const more = notices.length - MAX_NOTICES_SHOWN;
  return [
    text('Notices', 'header'),
    ...notices.slice(0, MAX_NOTICES_SHOWN).map(noticeLine),
    ...(more > 0 ? [text(`And ${more} more: GET /api/categories/notices?tenant=${plainText(tenant)}.`, 'muted')] : []),
  ];
}

/** Review count and clean rate over the window, the sampled autopilot replies, the suggested threshold. */
export function evidenceLine(c: CategoryStatus): string {
  const e = c.evidence;
  const since = e.since ? ` since ${utc(e.since)}` : '';
  const parts = [e.reviews === 0 ? `No reviews counted yet${since}` : `Clean rate ${percent(e.clean_rate)} over ${e.reviews} review${e.reviews === 1 ? '' : 's'}${since} (the last ${e.window} count)`];
  if (c.mode === 'autopilot') {
    const s = c.autopilot_samples;
    parts.push(`sampled autopilot replies: ${s.reviews} reviewed, ${s.rejects} rejected (back to review above ${percent(c.policy.max_reject_rate)}${c.strict ? ', or on one policy violation or wrong information' : ''})`);
  }
  if (c.suggested_threshold !== undefined) parts.push(`suggested autopilot threshold ${c.suggested_threshold} (configured ${c.configured_threshold})`);
  return parts.join(' · ');
}

function actionOf(c: CategoryStatus): Component[] {
  const name = clip(c.name, 40);
  if (c.mode === 'review' && c.ready) {
    const id = categoryActionId('promote', c.id);
    return id ? [button(id, `Promote ${name}`, 'primary')] : [];
  }
  if (c.mode === 'autopilot') {
    const id = categoryActionId('demote', c.id);
    return id ? [button(id, `Back to review: ${name}`, 'secondary')] : [];
  }
  return [];
}

export function categoryLines(c: CategoryStatus): Component[] {
  return [text(`**${plainText(clip(c.name, 80))}** · ${plainText(clip(c.label, 300))}`), text(evidenceLine(c), 'muted'), ...actionOf(c)];
}

/** Autopilot first (what sends by itself), then ready ones, then the rest, then held; stable within each. */
const rank = (c: CategoryStatus) => (c.mode === 'autopilot' ? 0 : c.mode === 'review' && c.ready ? 1 : c.mode === 'review' ? 2 : 3);

export function categoriesSection(view: CategoriesView): Component[] {
  const ordered = view.categories.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i);
  const shown: Component[] = [];
  let count = 0;
  let bytes = 0;
  for (const { c } of ordered) {
    const lines = categoryLines(c);
    const size = Buffer.byteLength(JSON.stringify(lines));
    if (count >= MAX_CATEGORIES_SHOWN || bytes + size > CATEGORIES_BUDGET_BYTES) break;
    shown.push(...lines);
    count++;
    bytes += size;
  }
  const cut = view.categories.length - count;
  return [
    text('Categories', 'header'),
    text('**Promote** a ready category: its confident drafts may then be sent without a teammate. **Back to review** puts every draft of it in front of a teammate again. Each change is audited with your name.', 'muted'),
    ...(view.categories.length ? shown : [text('No categories are configured.', 'muted')]),
    ...(cut > 0 ? [text(`Showing ${count} of ${view.categories.length} categories (autopilot and ready ones first). All of them: GET /api/categories?tenant=${plainText(view.tenant)}.`, 'muted')] : []),
  ];
}

/** What an admin's Promote did, in words: the canvas shows it on top. */
export function promoteOutcome(name: string, result: PromoteResult): { ok: boolean; message: string } {
  if (result.ok) return { ok: true, message: result.changed ? `${name} is now in autopilot.` : `${name} was already in autopilot.` };
  if (result.error === 'sensitive') return { ok: false, message: `${name} is sensitive: it is held in review and is never promoted.` };
  return { ok: false, message: `${name} is not ready and stays in review. Missing: ${result.missing.join('; ')}.` };
}

export function demoteOutcome(name: string, result: { changed: boolean }): { ok: boolean; message: string } {
  return { ok: true, message: result.changed ? `${name} is back in review: every draft waits for a teammate.` : `${name} was already in review.` };
}
