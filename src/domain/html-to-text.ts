const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Provider bodies arrive as HTML (Intercom parts, Zendesk html_body); the pipeline reads text. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li|\/h[1-6])\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z0-9]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1]?.toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * How a provider body is written: `html` (Intercom parts up to API 2.14, Zendesk html_body), `text`
 * (Intercom webhook parts from API 2.15, API reads with display_as=plaintext), or `auto` when the
 * sender does not say: HTML when the body holds an HTML element, else text.
 */
export type BodyFormat = 'html' | 'text' | 'auto';

/** An element of the HTML Intercom and Zendesk write; `<ABC123>` or `<3` typed by a person is not one. */
const HTML_ELEMENT = /<\/?(p|div|br|span|a|b|i|u|s|em|strong|code|pre|blockquote|ul|ol|li|h[1-6]|img|hr|table|thead|tbody|tr|td|th|sub|sup)(\s[^<>]*)?\/?>/i;

export function looksLikeHtml(body: string): boolean {
  return HTML_ELEMENT.test(body);
}

/**
 * A body as the text the pipeline reads. Plain text is kept as written (line ends unified, trailing
 * blanks and the outer whitespace trimmed): running it through the HTML converter would eat text such
 * as `Use code <ABC123>` and decode `&amp;` the customer typed.
 */
export function bodyText(body: string, format: BodyFormat): string {
  const html = format === 'html' || (format === 'auto' && looksLikeHtml(body));
  return html ? htmlToText(body) : body.replace(/\r\n?/g, '\n').replace(/[ \t]+\n/g, '\n').trim();
}
