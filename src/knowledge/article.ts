/** A help-center article, from a markdown folder, Zendesk Help Center or Intercom Articles. */
export interface Article {
  id: string;
  title: string;
  url: string;
  locale: string;
  body: string;
  updatedAt?: string;
}

/** A retrievable piece of an article. */
export interface Passage {
  id: string;
  articleId: string;
  title: string;
  url: string;
  locale: string;
  text: string;
}

export interface Hit extends Passage {
  score: number;
}
