import { approves, checkPublication, PublicationInput, sha256 } from '../../src/policy/publication-guard';

const SOURCE = {
  url: 'https://help.example.test/articles/returns',
  title: 'Returning an item',
  text: 'You can return an item within 14 days of delivery. Print the return label from your order page and drop the parcel at any post office. Refunds are issued to the original payment method within 5 working days.',
};

const ok = 'Hi Sam,\n\nYou can return an item within 14 days of delivery. Print the return label from your order page and drop the parcel at any post office.\n\nYou can read more in "Returning an item": https://help.example.test/articles/returns\n\nIf this does not solve it, reply here and we will take it from there.';

function input(text: string, extra: Partial<PublicationInput> = {}): PublicationInput {
  return { text, modelText: text, sources: [SOURCE], question: 'How long do I have to return my order 77120?', redactedValues: [], allowedLinkDomains: [], ...extra };
}

describe('publication guard', () => {
  it('approves a reply made of its source, with its link, a greeting and a closing line, and binds the approval to the text', () => {
    const verdict = checkPublication(input(ok));
    expect(verdict).toEqual({ ok: true, findings: [], sha256: sha256(ok) });
    expect(approves(verdict, ok)).toBe(true);
    expect(approves(verdict, `${ok} `)).toBe(false);
    expect(approves({ ...verdict, ok: false }, ok)).toBe(false);
    expect(approves(undefined, ok)).toBe(false);
  });

  it('allows numbers the customer wrote', () => {
    expect(checkPublication(input('You can return order 77120 within 14 days of delivery.')).ok).toBe(true);
  });

  it.each([
    ['a placeholder the model echoed', 'Your card [CARD_1] can be used to return an item within 14 days of delivery.', /redacted/],
    ['an action stated as done', 'Your order has been cancelled and your account closed. You can return an item within 14 days of delivery.', /action on the account/],
    ['a first-person action', 'I have refunded your order; you can return an item within 14 days of delivery.', /action on the account/],
    ['a password given', 'Your password is reset to hunter2 and you can return an item within 14 days of delivery.', /action on the account|password/],
    ['a request for a one-time code', 'Please reply with your one-time code so we can return an item within 14 days of delivery.', /credentials/],
    ['a request for the card number', 'To return an item within 14 days of delivery, send us your full card number.', /credentials/],
    ['a number the source does not state', 'You can return an item within 30 days of delivery.', /number 30/],
    ['an invented phone number', 'You can return an item within 14 days of delivery. Call 0800 123 for help.', /number 0800/],
    ['a link that is not a cited source', 'You can return an item within 14 days of delivery: https://evil.example/claim', /links to https:\/\/evil\.example\/claim/],
    ['a flipped negation', 'You cannot return an item within 14 days of delivery.', /contradicts/],
    ['a claim no source makes', 'Every customer gets a free upgrade to express shipping on their next purchase.', /not supported/],
    ['an empty reply', '   ', /empty/],
    ['a deed stated without a subject', 'Cancelled your order free of charge, as you asked.', /action on the account/],
    ['a number that belongs to another clause', 'Refunds are issued to the original payment method within 14 working days.', /number 14, which its source does not give/],
    ['a condition dropped', 'You can return an item even after delivery.', /drops the condition/],
    ['a claim carried by the customer\'s words', 'As your manager agreed, your order 77120 is complimentary.', /not supported/],
  ])('refuses %s', (_what, text, finding) => {
    const verdict = checkPublication(input(text));
    expect(verdict.ok).toBe(false);
    expect(verdict.findings.join(' | ')).toMatch(finding);
  });

  it('refuses a reply that would carry a redacted value, compared as written and by its digits', () => {
    const values = ['sam@example.org', '4111 1111 1111 1111'];
    expect(checkPublication(input(`We will write to sam@example.org. ${ok}`, { redactedValues: values })).findings.join(' ')).toMatch(/redacted value/);
    expect(checkPublication(input(`Card 4111-1111-1111-1111 noted. ${ok}`, { redactedValues: values })).findings.join(' ')).toMatch(/redacted value/);
    expect(checkPublication(input(ok, { redactedValues: values })).ok).toBe(true);
  });

  it('lets an action sentence through only when a cited source says it in those words', () => {
    expect(checkPublication(input('Refunds are issued to the original payment method within 5 working days.')).ok).toBe(true);
    expect(checkPublication(input('Your refund was issued to the original payment method.')).ok).toBe(false);
  });
});
