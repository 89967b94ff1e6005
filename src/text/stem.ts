/**
 * A light English stemmer for retrieval and matching: plural, past and progressive forms and a few
 * derivational suffixes fold together ("attached", "attachments" -> "attach"; "invoices" -> "invoic").
 * Deliberately conservative: a wrong merge hurts retrieval more than a missed one.
 */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w) && w.length > 3) w = w.slice(0, -1);
  for (const suffix of ['ations', 'ation', 'ments', 'ment', 'ingly', 'ing', 'edly', 'ed', 'ly', 'ate', 'ion']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  if (/([bdfgklmnprt])\1$/.test(w) && w.length > 3) w = w.slice(0, -1); // stopped -> stopp -> stop
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  if (w.endsWith('y') && w.length > 3) w = `${w.slice(0, -1)}i`;
  return w;
}
