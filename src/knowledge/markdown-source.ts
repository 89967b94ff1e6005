import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { z } from 'zod';
import type { Article } from './article';

const frontMatter = z.object({
  title: z.string().min(1),
  url: z.string().url(),
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  locale: z.string().min(2).optional(),
  updated_at: z.union([z.string(), z.date()]).transform(String).optional(),
});

/** Reads every *.md file of a folder; front matter must give title and url. */
export function loadMarkdownArticles(dir: string): Article[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  return files.map((file) => {
    const parsed = matter(readFileSync(path.join(dir, file), 'utf8'));
    const meta = frontMatter.safeParse(parsed.data);
    if (!meta.success) {
      throw new Error(`${path.join(dir, file)}: front matter needs title and url (${meta.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
    }
    return {
      id: meta.data.id ?? path.basename(file, '.md'),
      title: meta.data.title,
      url: meta.data.url,
      locale: meta.data.locale ?? 'en',
      body: parsed.content.trim(),
      ...(meta.data.updated_at ? { updatedAt: meta.data.updated_at } : {}),
    };
  });
}
