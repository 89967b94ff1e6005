/** Text into HTML: what every note, reply and macro body that draftpilot writes goes through. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A draft as HTML: blank lines separate paragraphs, single newlines become <br>. */
export function draftHtml(draft: string): string {
  return draft
    .trim()
    .split(/\n\s*\n/)
    .map((para) => `<p>${escapeHtml(para.trim()).replace(/\n/g, '<br>')}</p>`)
    .join('');
}
