import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12; // the GCM standard size; other lengths get hashed into one
const TAG_BYTES = 16;
const VERSION = 'v1';

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

function decodeKey(text: string, keyFile: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  // Buffer.from skips invalid characters, so a round trip is the strict check.
  if (key.length !== KEY_BYTES || key.toString('base64') !== trimmed) {
    throw new Error(`SecretBox: ${keyFile} does not hold a base64 ${KEY_BYTES}-byte key`);
  }
  return key;
}

function readKey(keyFile: string): Buffer {
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `SecretBox: ${keyFile} has mode 0${mode.toString(8)}; it must not be readable by group or others (chmod 600)`,
    );
  }
  return decodeKey(readFileSync(keyFile, 'utf8'), keyFile);
}

// The key is written in full to a private temp file (flag 'wx') and then
// published with link(), which fails with EEXIST instead of replacing: two
// processes racing here never overwrite each other's key, and neither can read
// a half-written one.
function createKey(keyFile: string): void {
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  const tmp = `${keyFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, keyFile);
  } catch (err) {
    if (!isErrno(err, 'EEXIST')) throw err;
  } finally {
    unlinkSync(tmp);
  }
}

export class SecretBox {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  static open(keyFile: string): SecretBox {
    try {
      return new SecretBox(readKey(keyFile));
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    createKey(keyFile);
    return new SecretBox(readKey(keyFile));
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64'));
    return [VERSION, ...parts].join(':');
  }

  unseal(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new Error(`SecretBox: not a sealed ${VERSION} value`);
    }
    const [iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, 'base64')) as [Buffer, Buffer, Buffer];
    // GCM would accept a truncated tag, which makes forgery far cheaper.
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new Error('SecretBox: sealed value is malformed');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('SecretBox: cannot unseal: the value was tampered with or sealed with a different key');
    }
  }
}
