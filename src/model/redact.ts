/**
 * Personal identifiers are replaced with placeholders before any text leaves for a model, and put
 * back in the draft where the draft uses them (internal notes only: the publication guard refuses a
 * public reply that would carry one). One Redactor per thread: the same value always gets the same
 * placeholder.
 */
type Kind = 'EMAIL' | 'CARD' | 'IBAN' | 'SSN' | 'SECRET' | 'PHONE' | 'ADDRESS' | 'NAME';

interface Rule {
  kind: Kind;
  pattern: RegExp;
  accept?: (match: string) => boolean;
  /** the part of the match that is the value (a capture group); the whole match otherwise */
  group?: number;
  /** several alternative capture groups: the first that matched is the value */
  groups?: number[];
}

const TLD = '(?:com|net|org|io|co|de|fr|uk|es|it|nl|eu|info|biz|me|us|ca|au|ch|at|be|se|no|dk|fi|pl|pt|ie)';
const STREET_TYPES =
  'Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Terrace|Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Row|Mews|Gardens|Grove|Hill|Park|Walk|Alley';

const RULES: Rule[] = [
  { kind: 'EMAIL', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu },
  // "dana at example dot com", "dana(at)example(dot)co(dot)uk", "dana [at] example [dot] com"
  {
    kind: 'EMAIL',
    pattern: new RegExp(`\\b[\\p{L}\\p{N}._%+-]+\\s*[([{]?\\s*(?:at|@)\\s*[)\\]}]?\\s*[\\p{L}\\p{N}-]+(?:\\s*[([{]?\\s*dot\\s*[)\\]}]?\\s*[\\p{L}\\p{N}-]+)*\\s*[([{]?\\s*dot\\s*[)\\]}]?\\s*${TLD}\\b`, 'giu'),
  },
  { kind: 'CARD', pattern: /\b\d(?:[ -]?\d){12,18}\b/g, accept: (m) => luhn(m.replace(/\D/g, '')) },
  { kind: 'IBAN', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g },
  { kind: 'SSN', pattern: /\b\d{3}-\d{2}-\d{4}\b/g },
  // "my password is hunter2", "PIN: 4821", "passcode = x7!k", "password 'Summer'": a value given, not
  // the word (a value with a digit or a symbol, or quoted: "my password and" or "password reset" are words)
  {
    kind: 'SECRET',
    pattern: /\b(?:password|passcode|pass word|passphrase|pwd|pin(?: code)?)\b\s*(?:(?:is|was|=|:)\s*)?(?:["'“‘]([^"'”’\n]{3,40})["'”’]|([^\s"'”’]*(?:\d|[^\p{L}\p{N}\s"'”’.,;:])[^\s"'”’]*?))(?=[.,;:]?(?:\s|$))/giu,
    groups: [1, 2],
  },
  // At least 9 digits, or a leading +: order numbers, amounts and dates stay readable.
  { kind: 'PHONE', pattern: /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){2,4}\b/g, accept: (m) => m.trim().startsWith('+') || m.replace(/\D/g, '').length >= 9 },
  // Shorter numbers are a phone number when the customer says so: "call me on 555 0199".
  { kind: 'PHONE', pattern: /\b(?:phone|tel|telephone|mobile|cell|landline|whatsapp|call me|reach me|text me|ring me|number is)\b[^\d+\n]{0,12}(\+?\d[\d\s().-]{4,}\d)/giu, group: 1 },
  // "14 Harbour Lane", "221B Baker Street", "Rue de Rivoli 12", "Hauptstraße 5", postcodes
  { kind: 'ADDRESS', pattern: new RegExp(`\\b\\d{1,5}[A-Za-z]?,?\\s+(?:[\\p{Lu}][\\p{L}'’.-]*\\s+){1,4}(?:${STREET_TYPES})\\b\\.?(?:,?\\s*(?:flat|apt|apartment|unit|suite)\\s*\\w+)?`, 'gu') },
  { kind: 'ADDRESS', pattern: /\b(?:Rue|Rua|Calle|Via|Avenida|Viale|Piazza|Plaza|Chemin|Carrer|Plac|Ulica)\s+(?:[\p{L}'’.-]+\s+){0,4}\d{1,5}[a-z]?\b/gu },
  { kind: 'ADDRESS', pattern: /\b[\p{L}-]+(?:straße|strasse|str\.|weg|gasse|allee|laan|straat|gracht|plein|vej|gade|gatan|gata|veien)\s+\d{1,5}[a-z]?\b/giu },
  { kind: 'ADDRESS', pattern: /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/g },
];

export function luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export const PLACEHOLDER = /\[(EMAIL|CARD|IBAN|SSN|SECRET|PHONE|ADDRESS|NAME)_(\d+)\]/g;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface RedactorOptions {
  /**
   * The requester's name as the helpdesk has it: the full name and each further part (the surname)
   * are replaced wherever they appear. The first name alone stays: it is what the reply greets with,
   * sent on purpose and nothing more.
   */
  names?: (string | null | undefined)[];
}

export class Redactor {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counters: Record<Kind, number> = { EMAIL: 0, CARD: 0, IBAN: 0, SSN: 0, SECRET: 0, PHONE: 0, ADDRESS: 0, NAME: 0 };
  private readonly rules: Rule[];

  constructor(options: RedactorOptions = {}) {
    const nameRules: Rule[] = [];
    for (const full of options.names ?? []) {
      const parts = (full ?? '').trim().split(/\s+/).filter((p) => p.length >= 2);
      if (parts.length === 0) continue;
      const wanted = [parts.join(' '), ...parts.slice(1).filter((p) => p.length >= 3)].sort((a, b) => b.length - a.length);
      nameRules.push({ kind: 'NAME', pattern: new RegExp(`(?<![\\p{L}\\p{N}])(?:${wanted.map((w) => escape(w).replace(/\s+/g, '\\s+')).join('|')})(?![\\p{L}\\p{N}])`, 'giu') });
    }
    this.rules = [...RULES, ...nameRules];
  }

  redact(text: string): string {
    let out = text;
    for (const rule of this.rules) {
      out = out.replace(rule.pattern, (match: string, ...groups: unknown[]) => {
        if (rule.accept && !rule.accept(match)) return match;
        const wanted = rule.groups ?? (rule.group ? [rule.group] : []);
        const part = wanted.length > 0 ? wanted.map((g) => groups[g - 1] as string | undefined).find(Boolean) : match;
        if (!part) return match;
        const value = part.trim();
        if (/^\[[A-Z]+_\d+\]$/.test(value)) return match;
        let placeholder = this.byValue.get(value.toLowerCase());
        if (!placeholder) {
          placeholder = `[${rule.kind}_${++this.counters[rule.kind]}]`;
          this.byValue.set(value.toLowerCase(), placeholder);
          this.byPlaceholder.set(placeholder, value);
        }
        return match.replace(value, placeholder);
      });
    }
    return out;
  }

  /** Puts the original values back; placeholders the model invented are dropped. */
  restore(text: string): string {
    return text.replace(PLACEHOLDER, (p) => this.byPlaceholder.get(p) ?? '');
  }

  /** Every value replaced so far: what a public reply must never contain. */
  values(): string[] {
    return [...this.byPlaceholder.values()];
  }

  get count(): number {
    return this.byPlaceholder.size;
  }
}
