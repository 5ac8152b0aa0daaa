import { describe, expect, it } from 'vitest';
import { archiveLagBytes } from './metrics-sampler';

const MiB16 = 16 * 1024 * 1024;

describe('archiveLagBytes', () => {
  it('counts the segments waiting for the archiver and what the current one holds', () => {
    expect(archiveLagBytes('0/4000000', 0, MiB16)).toBe(0);
    expect(archiveLagBytes('0/4000100', 0, MiB16)).toBe(0x100);
    expect(archiveLagBytes('1/00000010', 2, MiB16)).toBe(2 * MiB16 + 0x10);
  });
});
