import { describe, expect, it } from 'vitest';
import { ConsoleError, fieldError } from './api';

describe('fieldError', () => {
  it('gives the field and the reason when the server names one of the form fields', () => {
    const err = new ConsoleError('lc-collate: invalid LC_COLLATE locale name: "xx"', 400, 'incorrect', 'lc-collate');
    expect(fieldError(err, ['database-name', 'lc-collate'] as const)).toEqual({ field: 'lc-collate', message: 'invalid LC_COLLATE locale name: "xx"' });
  });

  it.each([
    ['a field the form does not have', new ConsoleError('owner: unknown field', 400, 'incorrect', 'owner')],
    ['no field', new ConsoleError('service x is busy', 409, 'busy')],
    ['not a server answer', new TypeError('Failed to fetch')],
  ])('is null for %s', (_what, err) => {
    expect(fieldError(err, ['database-name'] as const)).toBeNull();
  });
});
