// The Access tab's grid as the console reads it: each user's level in each database, the words for the levels,
// and the URI a user connects to a database with.
import type { AccessEntry, AccessLevel, AccessView } from '@/lib/schemas/access';

export const LEVEL_LABEL: Record<AccessLevel, string> = {
  none: 'None',
  read: 'Read',
  'read-write': 'Read & write',
  owner: 'Owner',
};

export type Cell = Pick<AccessEntry, 'level' | 'partial'>;

/** The grid's cells by user, then database; a pair the engine did not list has no access. */
export function accessCells(view: AccessView): (username: string, database: string) => Cell {
  const cells = new Map(view.access.map((a) => [`${a.username}\n${a.database}`, { level: a.level, partial: a.partial }]));
  return (username, database) => cells.get(`${username}\n${database}`) ?? { level: 'none', partial: false };
}

/** "Read +": the level, and a mark when the user holds more than it (grants on some tables, made by SQL). */
export const cellText = (c: Cell) => `${LEVEL_LABEL[c.level]}${c.partial ? ' +' : ''}`;

/** The service's URI (no password) made to connect as `username` to `database`; '' when it is no URI. */
export function userDatabaseUri(serviceUri: string, username: string, database: string): string {
  try {
    const url = new URL(serviceUri);
    url.username = encodeURIComponent(username);
    url.password = '';
    url.pathname = `/${encodeURIComponent(database)}`;
    return url.toString();
  } catch {
    return '';
  }
}
