import type { Article, Passage } from './article';

/** Paragraphs, short ones merged up to about maxWords, so each passage stands on its own. */
export function toPassages(article: Article, maxWords = 90): Passage[] {
  const paragraphs = article.body.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const chunks: string[] = [];
  let current = '';
  for (const p of paragraphs) {
    const joined = current ? `${current} ${p}` : p;
    if (current && joined.split(' ').length > maxWords) {
      chunks.push(current);
      current = p;
    } else {
      current = joined;
    }
  }
  if (current) chunks.push(current);
  return chunks.map((text, i) => ({ id: `${article.id}#${i}`, articleId: article.id, title: article.title, url: article.url, locale: article.locale, text }));
}
