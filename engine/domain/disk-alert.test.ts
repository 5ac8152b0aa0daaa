import { describe, expect, it } from 'vitest';
import { diskAlert } from './disk-alert';

describe('diskAlert', () => {
  it('warns once past 90 %, and clears only below 85 %', () => {
    const seen: (string | null)[] = [];
    let warned = false;
    for (const usage of [50, 89.9, 90, 95, 88, 86, 84.9, 91, undefined]) {
      const change = diskAlert(warned, usage);
      if (change) warned = change === 'warn';
      seen.push(change);
    }
    expect(seen).toEqual([null, null, 'warn', null, null, null, 'clear', 'warn', null]);
  });
});
