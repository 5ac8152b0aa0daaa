// Locale names as glibc spells them, and which ones a UTF8 database takes, asked of this machine's C library.
import { describe, expect, it } from 'vitest';
import { normalizeLocale, utf8LocaleProblem } from './locales';

describe('normalizeLocale', () => {
  it.each([
    ['en_US.UTF-8', 'en_US.utf8'],
    ['en_US.utf8', 'en_US.utf8'],
    ['de_DE.ISO-8859-15@euro', 'de_DE.iso885915@euro'],
    ['ja_JP.eucJP', 'ja_JP.eucjp'],
    ['xx.8859', 'xx.iso8859'],
    ['sr_RS@latin', 'sr_RS@latin'],
    ['C', 'C'],
  ])('%s → %s', (name, normal) => {
    expect(normalizeLocale(name)).toBe(normal);
  });
});

describe('utf8LocaleProblem', () => {
  it('takes UTF-8 locales however the codeset is spelled, and C and POSIX', async () => {
    for (const name of ['C', 'POSIX', 'C.UTF-8', 'C.utf8']) expect(await utf8LocaleProblem(name)).toBeNull();
  });

  it('refuses a locale that is not installed', async () => {
    expect(await utf8LocaleProblem('xx_YY.UTF-8')).toMatch(/"xx_YY.UTF-8" is not installed/);
  });
});
