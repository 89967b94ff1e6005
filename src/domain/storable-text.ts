/**
 * Text as PostgreSQL stores it. Its text and JSON types refuse the NUL character (and JSON escapes of
 * it) and UTF-16 surrogates without their pair: one such character in a customer's comment would make
 * every statement carrying it fail, and PostgreSQL would log the statement's JSON around the error.
 * Both become U+FFFD, the replacement character. The raw body a signature covers is kept as received
 * (the inbox stores its text, where escapes are plain characters); only decoded text goes through here.
 */
// eslint-disable-next-line no-control-regex -- the NUL character is exactly what has to be found
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/** JSON.stringify with every string value made storable (the keys are draftpilot's own). */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? storableText(v) : v));
}
