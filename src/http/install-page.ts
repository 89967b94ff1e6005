import { escapeHtml } from '../brief/html';

/** A single query value; repeated or nested parameters count as absent. */
export const queryValue = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The page an OAuth install ends on: a heading and a line, both plain text. */
export function installedPage(heading: string, line: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>draftpilot installed</title></head>\n<body><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(line)}</p></body></html>\n`;
}
