import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box';

const root = mkdtempSync(join(tmpdir(), 'pgdeck-secret-box-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
const freshKeyFile = (): string => join(root, `case-${++n}`, 'secret.key');

// Flips one bit of one base64 field, keeping it valid base64 of the same length.
function tamper(sealed: string, field: 1 | 2 | 3): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[field]!, 'base64');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[field] = bytes.toString('base64');
  return parts.join(':');
}

describe('SecretBox', () => {
  it('round-trips text, including empty and non-ASCII strings', () => {
    const box = SecretBox.open(freshKeyFile());
    for (const plain of ['hunter2', '', 'pässwörd 🔑', 'a:b:c', 'x'.repeat(10_000)]) {
      const sealed = box.seal(plain);
      expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
      expect(sealed).not.toContain(plain || 'unused');
      expect(box.unseal(sealed)).toBe(plain);
    }
  });

  it('uses a fresh iv for every seal', () => {
    const box = SecretBox.open(freshKeyFile());
    const a = box.seal('same text');
    const b = box.seal('same text');
    expect(a).not.toBe(b);
    expect(a.split(':')[1]).not.toBe(b.split(':')[1]);
  });

  it.each([1, 2, 3] as const)('detects tampering with field %i', (field) => {
    const box = SecretBox.open(freshKeyFile());
    const sealed = box.seal('top secret');
    expect(() => box.unseal(tamper(sealed, field))).toThrow(/tampered|malformed/);
  });

  it('refuses malformed input and truncated tags', () => {
    const box = SecretBox.open(freshKeyFile());
    const [v, iv, tag, ct] = box.seal('top secret').split(':') as [string, string, string, string];
    const shortTag = Buffer.from(tag, 'base64').subarray(0, 4).toString('base64');
    expect(() => box.unseal(`${v}:${iv}:${shortTag}:${ct}`)).toThrow(/malformed/);
    expect(() => box.unseal(`v2:${iv}:${tag}:${ct}`)).toThrow(/not a sealed v1/);
    expect(() => box.unseal('garbage')).toThrow(/not a sealed v1/);
  });

  it('refuses a value sealed under another key', () => {
    const sealed = SecretBox.open(freshKeyFile()).seal('top secret');
    expect(() => SecretBox.open(freshKeyFile()).unseal(sealed)).toThrow(/different key/);
  });

  it('creates the key file with mode 0600 and reuses it', () => {
    const keyFile = freshKeyFile();
    const sealed = SecretBox.open(keyFile).seal('persisted');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
    const before = readFileSync(keyFile, 'utf8');

    expect(SecretBox.open(keyFile).unseal(sealed)).toBe('persisted');
    expect(readFileSync(keyFile, 'utf8')).toBe(before);
    expect(readdirSync(join(keyFile, '..'))).toEqual(['secret.key']); // no temp files left behind
  });

  it('refuses a key file readable by group or others', () => {
    const keyFile = freshKeyFile();
    SecretBox.open(keyFile);
    chmodSync(keyFile, 0o644);
    expect(() => SecretBox.open(keyFile)).toThrow(/mode 0644/);
    chmodSync(keyFile, 0o640);
    expect(() => SecretBox.open(keyFile)).toThrow(/mode 0640/);
  });

  it('refuses a key file that does not hold a 32-byte key', () => {
    const keyFile = join(root, 'short.key');
    writeFileSync(keyFile, Buffer.alloc(16).toString('base64'), { mode: 0o600 });
    expect(() => SecretBox.open(keyFile)).toThrow(/32-byte key/);
  });
});
