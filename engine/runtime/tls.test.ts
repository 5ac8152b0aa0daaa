import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCa, issueServerCert, type Pem } from './tls';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pgdeck-tls-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// Resolves with the client's verdict instead of rejecting, so both the
// trusted and the untrusted case can assert on the same shape.
async function handshake(server: Pem, trustedCa: string): Promise<{ authorized: boolean; error?: string }> {
  const srv = tls.createServer({ cert: server.cert, key: server.key }, (socket) => socket.end());
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  try {
    return await new Promise((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port,
        ca: trustedCa,
        servername: undefined,
        checkServerIdentity: tls.checkServerIdentity,
      });
      socket.once('secureConnect', () => {
        resolve({ authorized: socket.authorized });
        socket.destroy();
      });
      socket.once('error', (err) => {
        resolve({ authorized: false, error: err.message });
        socket.destroy();
      });
    });
  } finally {
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  }
}

describe('ensureCa', () => {
  it('creates a CA once, then reuses it from disk', async () => {
    const dir = join(root, 'reuse');
    const first = await ensureCa(dir);
    const second = await ensureCa(dir);
    expect(second).toEqual(first);
    expect(first.key).toContain('-----BEGIN PRIVATE KEY-----');

    expect((await stat(join(dir, 'ca.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'ca.crt'))).mode & 0o777).toBe(0o644);

    const ca = new X509Certificate(first.cert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=pgdeck local engine CA');
    expect(ca.checkIssued(ca)).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    const years = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / (365 * 24 * 3600 * 1000);
    expect(years).toBeGreaterThan(9.9);
    expect(Number.parseInt(ca.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80);
  });
});

describe('issueServerCert', () => {
  it('issues a leaf that node verifies against the CA', async () => {
    const caPem = await ensureCa(join(root, 'leaf'));
    const leafPem = await issueServerCert(caPem, ['127.0.0.1', 'localhost', '::1']);
    const ca = new X509Certificate(caPem.cert);
    const leaf = new X509Certificate(leafPem.cert);

    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(leaf.subject).toBe('CN=127.0.0.1');
    expect(leaf.ca).toBe(false);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leafPem.key).toContain('-----BEGIN PRIVATE KEY-----');
  });

  it('rejects an empty host list', async () => {
    const caPem = await ensureCa(join(root, 'empty'));
    await expect(issueServerCert(caPem, [])).rejects.toThrow(/host/);
  });

  it('completes a real TLS handshake only with the issuing CA trusted', async () => {
    const caPem = await ensureCa(join(root, 'handshake'));
    const otherCa = await ensureCa(join(root, 'other'));
    const leafPem = await issueServerCert(caPem, ['127.0.0.1', 'localhost']);

    expect(await handshake(leafPem, caPem.cert)).toEqual({ authorized: true });

    const rejected = await handshake(leafPem, otherCa.cert);
    expect(rejected.authorized).toBe(false);
    expect(rejected.error).toMatch(/certificate/i);
  });
});
