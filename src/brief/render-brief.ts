import { markerFor } from '../domain/marker';
import type { Brief } from './brief';
import { escapeHtml as esc } from './html';

/** Pending-macro mode: the draft is in a macro the agent applies, named in the note. */
export interface MacroPointer {
  macroTitle?: string;
  ticketId?: string;
}

/** What a note says besides the brief and the draft. */
export interface NoteExtras {
  /** earlier drafts this one replaces */
  supersedes?: string[];
  macro?: MacroPointer;
  /** why the publication guard held this reply back from autopilot */
  heldBack?: string[];
}

function lines(brief: Brief, draft: string | null, decision: string, extras: NoteExtras = {}): { label: string; html: string }[] {
  const { supersedes = [], macro = {}, heldBack = [] } = extras;
  const out: { label: string; html: string }[] = [];
  if (supersedes.length > 0) out.push({ label: 'Supersedes', html: `the earlier draftpilot note${supersedes.length > 1 ? 's' : ''} on this ticket (${supersedes.map(esc).join(', ')}): the customer wrote again` });
  out.push({ label: 'Asks', html: esc(brief.question) });
  if (heldBack.length > 0) out.push({ label: 'Held from autopilot', html: esc(heldBack.join('; ')) });
  if (brief.escalation_reasons.length > 0) out.push({ label: 'Why a human', html: esc(brief.escalation_reasons.join(', ')) });
  out.push({ label: 'Next step', html: esc(brief.recommended_next_step) });
  out.push({ label: 'Category', html: `${esc(brief.category || 'none')} · ${esc(brief.intent)} · confidence ${brief.confidence.toFixed(2)} · sentiment ${esc(brief.sentiment.label)} (${brief.sentiment.score.toFixed(2)})` });
  if (brief.missing_fields.length > 0) out.push({ label: 'Still needed', html: esc(brief.missing_fields.join(', ')) });
  if (brief.sources.length > 0) out.push({ label: 'Sources', html: brief.sources.map((s) => `<a href="${esc(s.url)}">${esc(s.title)}</a>`).join(', ') });
  if (brief.previous_answers.length > 0) out.push({ label: 'Answered before', html: brief.previous_answers.map((a) => `${a.author}: ${esc(a.text)}`).join(' | ') });
  if (draft) out.push({ label: decision === 'escalate' ? 'Suggested reply (not sent)' : 'Draft reply (not sent)', html: esc(draft).replace(/\n/g, '<br>') });
  else if (macro.macroTitle) {
    out.push({
      label: 'Draft reply (not sent)',
      html: `in the macro <strong>${esc(macro.macroTitle)}</strong>: Apply macro, search "#${esc(macro.ticketId ?? '')}", review and edit, then switch to Public reply and submit`,
    });
  }
  return out;
}

/** The brief as a Zendesk internal-note html_body: readable in ten seconds, with draftpilot's marker. */
export function renderBriefZendesk(brief: Brief, draft: string | null, decision: string, draftId: string, extras: NoteExtras = {}): string {
  const rows = lines(brief, draft, decision, extras).map((l) => `<p><strong>${l.label}:</strong> ${l.html}</p>`);
  return [`<p><strong>draftpilot ${decision === 'escalate' ? 'handoff' : 'draft for review'}</strong></p>`, ...rows, `<p>${esc(markerFor(draftId))}</p>`].join('\n');
}

/** The brief as an Intercom note body: Intercom notes take a small HTML subset (p, b, i, a, br). */
export function renderBriefIntercom(brief: Brief, draft: string | null, decision: string, draftId: string, extras: Omit<NoteExtras, 'macro'> = {}): string {
  const rows = lines(brief, draft, decision, extras).map((l) => `<p><b>${l.label}:</b> ${l.html}</p>`);
  return [`<p><b>draftpilot ${decision === 'escalate' ? 'handoff' : 'draft for review'}</b></p>`, ...rows, `<p>${esc(markerFor(draftId))}</p>`].join('');
}

/** Plain text, for logs, the demo and the eval. */
export function renderBriefText(brief: Brief, draft: string | null, decision: string): string {
  const plain = (html: string) => html.replace(/<br>/g, '\n    ').replace(/<a href="([^"]*)">([^<]*)<\/a>/g, '$2 ($1)').replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return lines(brief, draft, decision).map((l) => `  ${l.label}: ${plain(l.html)}`).join('\n');
}
