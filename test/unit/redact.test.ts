import { Redactor } from '../../src/model/redact';

describe('Redactor: what never reaches the model', () => {
  it('replaces the requester\'s full name and surname, and keeps the first name the reply greets with', () => {
    const r = new Redactor({ names: ['Dana Whitfield'] });
    expect(r.redact('Thanks, Dana Whitfield (dana whitfield on the invoice). Whitfield family order.')).toBe('Thanks, [NAME_1] ([NAME_1] on the invoice). [NAME_2] family order.');
    expect(r.redact('Regards, Dana')).toBe('Regards, Dana');
    expect(r.values()).toEqual(['Dana Whitfield', 'Whitfield']);
  });

  it('replaces obfuscated e-mail addresses', () => {
    const r = new Redactor();
    expect(r.redact('write to dana at example dot com or dana(at)example(dot)co(dot)uk or dana [at] mail [dot] org')).toBe('write to [EMAIL_1] or [EMAIL_2] or [EMAIL_3]');
    expect(r.redact('we met at noon')).toBe('we met at noon');
  });

  it('replaces a password, passcode or PIN the customer gives, not the word', () => {
    const r = new Redactor();
    expect(r.redact('my password is hunter2 and the PIN: 4821')).toBe('my password is [SECRET_1] and the PIN: [SECRET_2]');
    expect(r.redact('I forgot my password')).toBe('I forgot my password');
  });

  it('replaces a short phone number the customer labels as one, and leaves order numbers alone', () => {
    const r = new Redactor();
    expect(r.redact('call me on 555 0199 about order 77120')).toBe('call me on [PHONE_1] about order 77120');
    expect(r.redact('order 55120 shipped on 2026-11-27')).toBe('order 55120 shipped on 2026-11-27');
  });

  it('replaces street addresses and postcodes in several conventions', () => {
    const r = new Redactor();
    expect(r.redact('Ship to 14 Harbour Lane, flat 2, London SW1A 1AA please')).toBe('Ship to [ADDRESS_1], London [ADDRESS_2] please');
    expect(r.redact('Now at Hauptstraße 5, before that Rue de Rivoli 12')).toMatch(/^Now at \[ADDRESS_\d\], before that \[ADDRESS_\d\]$/);
    expect(r.redact('I ordered 3 items on Monday')).toBe('I ordered 3 items on Monday');
  });

  it('restores the values for an internal note, and drops placeholders the model invented', () => {
    const r = new Redactor({ names: ['Dana Whitfield'] });
    const redacted = r.redact('I am Dana Whitfield, call me on 555 0199');
    expect(r.restore(redacted)).toBe('I am Dana Whitfield, call me on 555 0199');
    expect(r.restore('Hello [NAME_1], and [ADDRESS_9]')).toBe('Hello Dana Whitfield, and ');
  });
});
