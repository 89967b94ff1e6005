/**
 * Personal identifiers are replaced with placeholders before any text leaves for a model, and put
 * back in the draft where the draft uses them. One Redactor per thread: the same value always gets
 * the same placeholder.
 */
type Kind = 'EMAIL' | 'CARD' | 'IBAN' | 'SSN' | 'PHONE';

const RULES: { kind: Kind; pattern: RegExp; accept?: (match: string) => boolean }[] = [
  { kind: 'EMAIL', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu },
  { kind: 'CARD', pattern: /\b\d(?:[ -]?\d){12,18}\b/g, accept: (m) => luhn(m.replace(/\D/g, '')) },
  { kind: 'IBAN', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g },
  { kind: 'SSN', pattern: /\b\d{3}-\d{2}-\d{4}\b/g },
  // At least 9 digits, or a leading +: order numbers, amounts and dates stay readable.
  { kind: 'PHONE', pattern: /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){2,4}\b/g, accept: (m) => m.trim().startsWith('+') || m.replace(/\D/g, '').length >= 9 },
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

export const PLACEHOLDER = /\[(EMAIL|CARD|IBAN|SSN|PHONE)_(\d+)\]/g;

export class Redactor {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counters: Record<Kind, number> = { EMAIL: 0, CARD: 0, IBAN: 0, SSN: 0, PHONE: 0 };

  redact(text: string): string {
    let out = text;
    for (const rule of RULES) {
      out = out.replace(rule.pattern, (match) => {
        if (rule.accept && !rule.accept(match)) return match;
        const value = match.trim();
        let placeholder = this.byValue.get(value);
        if (!placeholder) {
          placeholder = `[${rule.kind}_${++this.counters[rule.kind]}]`;
          this.byValue.set(value, placeholder);
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

  get count(): number {
    return this.byPlaceholder.size;
  }
}
