import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The Zendesk comment_added fixture, a realistic body size for the benchmark. */
export function fixture(): any {
  return JSON.parse(readFileSync(path.resolve(__dirname, '../webhooks/zendesk/fixtures/comment-added.json'), 'utf8'));
}
