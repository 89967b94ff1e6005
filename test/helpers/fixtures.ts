import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** A fresh copy of a provider fixture from webhooks/<provider>/fixtures. */
export function fixture<T = any>(provider: 'zendesk' | 'intercom', name: string): T {
  return JSON.parse(readFileSync(path.join(root, 'webhooks', provider, 'fixtures', `${name}.json`), 'utf8'));
}

/** An Intercom notification dated now (deliveries older than the configured age are ignored). */
export function freshIntercom(name: string, overrides: Record<string, unknown> = {}): any {
  const now = Math.floor(Date.now() / 1000);
  return { ...fixture('intercom', name), created_at: now, first_sent_at: now, ...overrides };
}

let counter = 0;
/** A Zendesk comment_added event with a unique event id and its own text. */
export function zendeskComment(overrides: { id?: string; ticketId?: string; text?: string } = {}): any {
  const body = fixture('zendesk', 'comment-added');
  counter++;
  body.id = overrides.id ?? `01TEST${process.pid}${Date.now()}${counter}`;
  if (overrides.ticketId) {
    body.detail.id = overrides.ticketId;
    body.subject = `zen:ticket:${overrides.ticketId}`;
  }
  if (overrides.text !== undefined) body.event.comment.body = overrides.text;
  body.event.comment.id = `${body.id}-c`;
  return body;
}

/** The demo shop's shipping article, as a helpdesk stand-in serves it (title, url, HTML body). */
export const SHIPPING_ARTICLE = {
  title: 'Shipping times and tracking',
  url: 'https://help.demo-shop.example/articles/shipping',
  body: '<p>Orders placed before 2 pm on a working day leave our warehouse the same day. Standard delivery takes 2 to 4 working days; express delivery takes 1 working day.</p>',
};
