// Two engines on one host, sharing one port registry in a temporary directory:
// a port one engine claims is never handed to the other, even while nothing listens on it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocatePort, claimOwnPorts, releasePorts, type PortsEngine } from './ports';

let root: string;
let registry: string;
const base = 40_000 + Math.floor(Math.random() * 200) * 100;

function fakeEngine(name: string, services: { name: string; port: number; pgbouncerPort: number | null }[] = []): PortsEngine {
  const dataDir = join(root, name);
  mkdirSync(dataDir, { recursive: true });
  return {
    config: { dataDir, pgHost: '127.0.0.1', pgPortBase: base },
    services: {
      usedPorts: () => new Set(services.flatMap((s) => [s.port, s.pgbouncerPort ?? s.port])),
      heldPorts: () => services.flatMap((s) => [s.port, s.pgbouncerPort].flatMap((port) => (port === null ? [] : [{ service: s.name, port }]))),
    },
  };
}

const claimOf = (port: number) => JSON.parse(readFileSync(join(registry, String(port)), 'utf8')) as { owner: string; service: string };

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pgdeck-ports-'));
  registry = join(root, 'registry');
  process.env.PGDECK_PORT_REGISTRY = registry;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));
afterAll(() => delete process.env.PGDECK_PORT_REGISTRY);

describe('the host port registry', () => {
  it('never hands one engine a port another engine claims, though nothing listens on it', async () => {
    const a = fakeEngine('a');
    const b = fakeEngine('b');
    const first = await allocatePort(a, 'alpha');
    const second = await allocatePort(b, 'beta');
    expect(second.port).not.toBe(first.port);
    expect(claimOf(first.port)).toEqual({ owner: a.config.dataDir, service: 'alpha' });
    // and a concurrent create in the same engine does not get it either
    expect((await allocatePort(a, 'gamma')).port).not.toBe(first.port);
  });

  it('writes claims 0644 in a directory only this user can enter (0755 as root)', async () => {
    const { port } = await allocatePort(fakeEngine('a'), 'alpha');
    expect(statSync(join(registry, String(port))).mode & 0o777).toBe(0o644);
    expect(statSync(registry).mode & 0o777).toBe(process.getuid?.() === 0 ? 0o755 : 0o700);
  });

  it('release gives a refused create’s port back; releasePorts frees only this engine’s claims', async () => {
    const a = fakeEngine('a');
    const b = fakeEngine('b');
    const refused = await allocatePort(a, 'alpha');
    refused.release();
    const kept = await allocatePort(b, 'beta');
    expect(kept.port).toBe(refused.port);
    releasePorts(a, [kept.port]);
    expect(claimOf(kept.port).owner).toBe(b.config.dataDir);
    releasePorts(b, [kept.port, null]);
    expect((await allocatePort(a, 'alpha')).port).toBe(kept.port);
  });

  it('takes over a claim whose engine’s data directory is gone', async () => {
    const gone = fakeEngine('gone');
    const { port } = await allocatePort(gone, 'old');
    rmSync(gone.config.dataDir, { recursive: true });
    const b = fakeEngine('b');
    expect((await allocatePort(b, 'beta')).port).toBe(port);
    expect(claimOf(port)).toEqual({ owner: b.config.dataDir, service: 'beta' });
  });

  it('at start, claims the store’s ports again, reports the ones another engine holds, and drops leftovers', async () => {
    const other = fakeEngine('other');
    const taken = await allocatePort(other, 'theirs');
    const a0 = fakeEngine('a');
    const leftover = await allocatePort(a0, 'crashed-create');
    const a = fakeEngine('a', [
      { name: 'alpha', port: base + 50, pgbouncerPort: base + 51 },
      { name: 'beta', port: taken.port, pgbouncerPort: null },
    ]);
    rmSync(join(registry, String(base + 50)), { force: true }); // after a reboot /run is empty
    expect(claimOwnPorts(a)).toEqual([{ service: 'beta', port: taken.port, owner: other.config.dataDir }]);
    expect(claimOf(base + 50)).toEqual({ owner: a.config.dataDir, service: 'alpha' });
    expect(claimOf(base + 51).owner).toBe(a.config.dataDir);
    expect(claimOf(taken.port).owner).toBe(other.config.dataDir);
    expect(() => claimOf(leftover.port)).toThrow(/ENOENT/);
  });
});
