// PgBouncer's admin console user is the engine's own: the shared schema must keep it out of every service.
import { describe, expect, it } from 'vitest';
import { usernameSchema } from '@/lib/schemas/common';
import { BOUNCER_ADMIN } from './pgbouncer';

describe('BOUNCER_ADMIN', () => {
  it('is a name usernameSchema refuses, so no API user can take it', () => {
    expect(usernameSchema.safeParse(BOUNCER_ADMIN).success).toBe(false);
  });
});
