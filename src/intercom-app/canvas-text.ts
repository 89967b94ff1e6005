import type { Component } from './canvas-schema';

/**
 * Text for Canvas Kit text components, which render Markdown links and bold (nothing else). Draft
 * text, briefs and titles come from the model or the customer: untrusted, so the characters of links
 * and bold (`[`, `]`, `*`) are escaped and only
 * draftpilot's own links (cited sources, http and https only) are written as links.
 */
export function plainText(text: string): string {
  return text.replace(/([\\*[\]])/g, '\\$1');
}

/** The text cut at a word boundary to at most `max` characters, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const t = text.trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** A cited source as a link, or its title alone when its URL is not an http(s) address. */
export function sourceLink(title: string, url: string): string {
  const name = plainText(clip(title || url, 120));
  return /^https?:\/\/[^\s()]+$/i.test(url) ? `[${name}](${url})` : name;
}

export const text = (value: string, style?: 'header' | 'paragraph' | 'muted' | 'error', id?: string): Component => ({
  type: 'text',
  text: value.trim() === '' ? ' ' : value,
  ...(style ? { style } : {}),
  ...(id ? { id } : {}),
});

export const button = (id: string, label: string, style: 'primary' | 'secondary' | 'link' = 'secondary', disabled = false): Component => ({
  type: 'button',
  id,
  label,
  action: { type: 'submit' },
  style,
  ...(disabled ? { disabled: true } : {}),
});

export const divider = (): Component => ({ type: 'divider' });
