import { signIntercom, verifyIntercom } from '../../src/edge/intercom/verify';
import { signZendesk, verifyZendesk } from '../../src/edge/zendesk/verify';
import { hmac } from '../../src/edge/hmac';

const body = Buffer.from('{"hello":"wörld"}');
const now = new Date('2026-11-27T10:00:00Z');

describe('verifyZendesk', () => {
  const headers = signZendesk(body, 's3cret', now);

  it('accepts base64(HMAC-SHA256(secret, timestamp + body)), timestamp first', () => {
    const expected = hmac('sha256', 's3cret', now.toISOString(), body).toString('base64');
    expect(headers['x-zendesk-webhook-signature']).toBe(expected);
    expect(verifyZendesk(body, headers, ['s3cret'], now, 300)).toEqual({ ok: true });
  });

  it('refuses body-then-timestamp order', () => {
    const wrongOrder = hmac('sha256', 's3cret', body, now.toISOString()).toString('base64');
    expect(verifyZendesk(body, { ...headers, 'x-zendesk-webhook-signature': wrongOrder }, ['s3cret'], now, 300)).toMatchObject({ ok: false, code: 'signature_mismatch' });
  });

  it('accepts any configured secret (rotation)', () => {
    expect(verifyZendesk(body, headers, ['new-one', 's3cret'], now, 300).ok).toBe(true);
  });

  it('checks the timestamp in both directions with an injected clock', () => {
    const later = new Date(now.getTime() + 301_000);
    const earlier = new Date(now.getTime() - 301_000);
    expect(verifyZendesk(body, headers, ['s3cret'], later, 300)).toMatchObject({ ok: false, code: 'timestamp_out_of_tolerance' });
    expect(verifyZendesk(body, headers, ['s3cret'], earlier, 300)).toMatchObject({ ok: false, code: 'timestamp_out_of_tolerance' });
    expect(verifyZendesk(body, headers, ['s3cret'], new Date(now.getTime() + 299_000), 300).ok).toBe(true);
  });

  it('refuses a timestamp that is not a time, an empty secret list, and a short signature', () => {
    expect(verifyZendesk(body, { ...headers, 'x-zendesk-webhook-signature-timestamp': 'yesterday' }, ['s3cret'], now, 300)).toMatchObject({ code: 'timestamp_invalid' });
    expect(verifyZendesk(body, headers, [], now, 300)).toMatchObject({ code: 'not_configured' });
    expect(verifyZendesk(body, { ...headers, 'x-zendesk-webhook-signature': 'YQ==' }, ['s3cret'], now, 300)).toMatchObject({ code: 'signature_mismatch' });
  });
});

describe('verifyIntercom', () => {
  it('accepts sha1=hex(HMAC-SHA1(client_secret, body))', () => {
    const headers = signIntercom(body, 'client');
    expect(headers['x-hub-signature']).toBe(`sha1=${hmac('sha1', 'client', body).toString('hex')}`);
    expect(verifyIntercom(body, headers, ['client'])).toEqual({ ok: true });
    expect(verifyIntercom(body, headers, ['other', 'client']).ok).toBe(true);
  });

  it('refuses other digests, prefixes and lengths', () => {
    const hex = hmac('sha1', 'client', body).toString('hex');
    for (const sig of [hex, `sha256=${hex}`, `sha1=${hex.slice(2)}`, `sha1=${hex}00`, 'sha1=zz']) {
      expect(verifyIntercom(body, { 'x-hub-signature': sig }, ['client']).ok).toBe(false);
    }
    expect(verifyIntercom(body, {}, ['client'])).toMatchObject({ code: 'signature_missing' });
  });
});
