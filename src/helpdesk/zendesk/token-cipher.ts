import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for OAuth tokens at rest, keyed by APP_ENCRYPTION_KEY.
 * GCM authenticates as well as encrypts: a flipped byte, a wrong key or a record copied to another
 * account (the account is the additional authenticated data) fails to open instead of yielding garbage.
 *
 * Sealed format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url. The version prefix leaves room for
 * key rotation (a `v2` with a key id) without guessing at old records.
 */
const VERSION = 'v1';
const IV_BYTES = 12; // the GCM nonce size NIST SP 800-38D recommends
const TAG_BYTES = 16;

export class TokenCipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenCipherError';
  }
}

export class TokenCipher {
  private constructor(private readonly key: Buffer) {}

  /** APP_ENCRYPTION_KEY: 32 random bytes, base64 (`openssl rand -base64 32`). */
  static fromBase64Key(raw: string | undefined): TokenCipher {
    const text = (raw ?? '').trim();
    // Buffer.from(.., 'base64') skips characters it does not know: check the alphabet ourselves so a
    // hex key or a pasted passphrase is refused rather than silently shortened.
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) && !/^[A-Za-z0-9_-]+$/.test(text)) {
      throw new TokenCipherError('APP_ENCRYPTION_KEY must be 32 bytes, base64 encoded (openssl rand -base64 32)');
    }
    const key = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
    if (key.length !== 32) throw new TokenCipherError(`APP_ENCRYPTION_KEY must decode to 32 bytes for AES-256-GCM, it decodes to ${key.length}`);
    return new TokenCipher(key);
  }

  /** `aad` binds the ciphertext to its owner (e.g. the account): opening it under another fails. */
  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, aad: string): string {
    const [version, iv, tag, body, ...rest] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined || rest.length > 0) throw new TokenCipherError('not a sealed token record (expected v1.<iv>.<tag>.<ciphertext>)');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // Never echo the record: it is ciphertext of a credential.
      throw new TokenCipherError('the token record does not open with this APP_ENCRYPTION_KEY (wrong key, another account, or tampered)');
    }
  }
}
