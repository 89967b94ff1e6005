/**
 * Text for Slack's mrkdwn (docs/digest.md). Everything a customer, an agent or a help center wrote is
 * escaped: Slack reads "&", "<" and ">" as markup, and "<!channel>" would ping a whole channel. Pure.
 */

export const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One line of at most `max` characters (whitespace folded), with an ellipsis when cut. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** A link in mrkdwn; the label is escaped, and "|" and ">" cannot end it early. */
export function link(url: string, label: string): string {
  return `<${url.replace(/[<>|\s]/g, encodeURIComponent)}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

export const percent = (share: number | null): string => (share === null ? 'n/a' : `${Math.round(share * 100)}%`);

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
