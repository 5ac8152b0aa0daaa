import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationTools, rewindTool } from './upgrade-tools';

// A tools tree in pg-tools.sh's layout whose programs only answer `-V`, as Debian's would.
const root = mkdtempSync(join(tmpdir(), 'pgdeck-tools-'));
const versions: Record<string, string> = { 15: '15.18', 17: '17.12', 18: '18.6' };
const bindir = (major: string) => join(root, major, 'usr/lib/postgresql', major, 'bin');
let saved: string | undefined;

function fakeProgram(major: string, program: string, version: string): void {
  const file = join(bindir(major), program);
  writeFileSync(file, `#!/bin/sh\necho "${program} (PostgreSQL) ${version} (Debian ${version}-1)"\n`);
  chmodSync(file, 0o755);
}

beforeAll(() => {
  for (const [major, version] of Object.entries(versions)) {
    mkdirSync(bindir(major), { recursive: true });
    for (const program of ['pg_dump', 'pg_restore']) fakeProgram(major, program, version);
  }
  saved = process.env.PGDECK_PG_TOOLS;
  process.env.PGDECK_PG_TOOLS = root;
});

afterAll(() => {
  if (saved === undefined) delete process.env.PGDECK_PG_TOOLS;
  else process.env.PGDECK_PG_TOOLS = saved;
  rmSync(root, { recursive: true, force: true });
});

describe('migrationTools', () => {
  it('takes the newest pg_dump and pg_restore from the source major to the target major (design §3.1)', () => {
    const pick = (source: string, target: string) => migrationTools(source, target);
    expect(pick('10', '18')).toEqual({ bindir: bindir('18'), version: '18.6' });
    expect(pick('13', '18')).toEqual({ bindir: bindir('18'), version: '18.6' });
    expect(pick('18', '18')).toEqual({ bindir: bindir('18'), version: '18.6' });
    expect(pick('17', '17')).toEqual({ bindir: bindir('17'), version: '17.12' });
    expect(pick('13', '17')).toEqual({ bindir: bindir('17'), version: '17.12' });
    expect(pick('13', '16')).toEqual({ bindir: bindir('15'), version: '15.18' });
    expect(pick('15', '15')).toEqual({ bindir: bindir('15'), version: '15.18' });
    // 15's output into 14 (no --create, so no LOCALE_PROVIDER)
    expect(pick('13', '14')).toEqual({ bindir: bindir('15'), version: '15.18' });
  });

  it('says why when nothing fits', () => {
    expect(migrationTools('16', '16')).toMatchObject({ bindir: null, reason: expect.stringContaining('from PostgreSQL 16 into 16') });
    expect(migrationTools('13', '13')).toMatchObject({ bindir: null, reason: expect.stringContaining('this machine has 15, 17, 18') });
    expect(migrationTools('18', '17')).toMatchObject({ bindir: null, reason: expect.stringContaining('same or a later major') });
  });

  it('refuses a tree whose pg_restore is of another version than its pg_dump', () => {
    writeFileSync(join(bindir('18'), 'pg_restore'), '#!/bin/sh\necho "pg_restore (PostgreSQL) 18.5"\n');
    expect(migrationTools('17', '18')).toEqual({ bindir: bindir('17'), version: '17.12' });
  });
});

describe('rewindTool', () => {
  it('answers only a pg_rewind that reports the cluster\'s own major (design §6)', () => {
    fakeProgram('18', 'pg_rewind', '18.6');
    // another major's pg_rewind refuses the cluster: one in 17's place that says 18 does not count as 17's
    fakeProgram('17', 'pg_rewind', '18.6');
    expect(rewindTool('18')).toBe(bindir('18'));
    expect(rewindTool('17')).toBeNull();
    expect(rewindTool('16')).toBeNull();
  });
});
