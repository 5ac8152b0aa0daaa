// How an activity entry reads in the console: what was done, in words (from its route, its path and, where the key
// may see it, its body), how it ended, and when. A route this table does not know still reads, as its route. Worked
// out on the server (lib/server/activity.ts), so none of this is in the browser's JavaScript.
import type { ActivityEntry, ActivityPage } from '@/lib/schemas/activity';
import { SETTINGS_FIELDS } from '@/lib/settings-form/values';

type Params = Record<string, string>;
type Body = Record<string, unknown> | undefined;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The parameters a route names (`/v2/dbaas-postgres/:name` → `name`), read from the request's path. */
export function routeParams(route: string, path: string): Params {
  const pattern = (route.split(' ')[1] ?? '').split('/');
  const parts = path.split('/');
  if (pattern.length !== parts.length) return {};
  const out: Params = {};
  pattern.forEach((p, i) => {
    if (p.startsWith(':')) out[p.slice(1)] = decode(parts[i] ?? '');
  });
  return out;
}

/** "a, b and c". */
const joined = (parts: string[]) => (parts.length < 2 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`);
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A service's PUT: each part of the service it changed. */
function serviceChange(b: Body): string {
  if (!b) return 'Changed the service';
  const parts: string[] = [];
  if (text(b.plan)) parts.push(`changed the plan to ${b.plan as string}`);
  if (b.version !== undefined) parts.push(`upgraded to PostgreSQL ${String(b.version)}`);
  if (SETTINGS_FIELDS.some((f) => f in b)) parts.push('changed settings');
  if ('ip-filter' in b) parts.push('changed the allowed addresses');
  if (typeof b['termination-protection'] === 'boolean') parts.push(`turned termination protection ${b['termination-protection'] ? 'on' : 'off'}`);
  if ('maintenance' in b) parts.push('changed the maintenance window');
  if ('backup-schedule' in b) parts.push('changed the backup schedule');
  if (text(b['synchronous-replication'])) parts.push(`set synchronous replication ${b['synchronous-replication'] as string}`);
  if ('migration' in b) parts.push('started a migration');
  return parts.length ? sentence(joined(parts)) : 'Changed the service';
}

function serviceCreate(p: Params, b: Body): string {
  const source = text((b?.integrations as { 'source-service'?: unknown }[] | undefined)?.[0]?.['source-service']);
  if (source) return `Created read replica ${p.name} of ${source}`;
  const fork = text(b?.['fork-from-service']);
  if (fork) return `Created service ${p.name} from a backup of ${fork}`;
  return `Created service ${p.name}${b && 'migration' in b ? ' with a migration' : ''}`;
}

/** `named('user', 'app')` → "user app"; without the name (a body hidden from a viewer) → "a user". */
const named = (what: string, name: string | undefined) => (name ? `${what} ${name}` : `a ${what}`);

function accessChange(b: Body): string {
  const [user, database, level] = [text(b?.username), text(b?.database), text(b?.level)];
  if (!user || !database || !level) return 'Changed database access';
  return level === 'none' ? `Removed ${user}'s access to ${database}` : `Gave ${user} ${level} access to ${database}`;
}

const labels: Record<string, (p: Params, b: Body) => string> = {
  'POST /v2/dbaas-postgres/:name': serviceCreate,
  'PUT /v2/dbaas-postgres/:name': (_p, b) => serviceChange(b),
  'DELETE /v2/dbaas-postgres/:name': (p) => `Deleted service ${p.name}`,
  'DELETE /v2/dbaas-service/:name': (p) => `Deleted service ${p.name}`,
  'PUT /v2/dbaas-postgres/:name/maintenance/start': () => 'Started maintenance',
  'POST /v2/dbaas-postgres/:name/migration/stop': () => 'Stopped the migration',
  'POST /v2/dbaas-task-migration-check/:service': () => 'Checked a migration source',
  'POST /v2/dbaas-postgres/:service/upgrade-check': (_p, b) => `Checked an upgrade${text(b?.['target-version']) ? ` to PostgreSQL ${b?.['target-version'] as string}` : ''}`,
  'POST /v2/dbaas-postgres/:service/database': (_p, b) => `Created ${named('database', text(b?.['database-name']))}`,
  'DELETE /v2/dbaas-postgres/:service/database/:database': (p) => `Deleted database ${p.database}`,
  'POST /v2/dbaas-postgres/:service/user': (_p, b) => `Created ${named('user', text(b?.username))}`,
  'DELETE /v2/dbaas-postgres/:service/user/:username': (p) => `Deleted user ${p.username}`,
  'GET /v2/dbaas-postgres/:service/user/:username/password/reveal': (p) => `Revealed the password of ${p.username}`,
  'PUT /v2/dbaas-postgres/:service/user/:username/password/reset': (p) => `Reset password of ${p.username}`,
  'PUT /v2/dbaas-postgres/:service/user/:username/allow-replication': (p, b) =>
    b?.['allow-replication'] === true ? `Allowed replication for ${p.username}` : b?.['allow-replication'] === false ? `Forbade replication for ${p.username}` : `Changed replication for ${p.username}`,
  'POST /v2/dbaas-postgres/:service/connection-pool': (_p, b) => `Created ${named('pool', text(b?.name))}`,
  'PUT /v2/dbaas-postgres/:service/connection-pool/:pool': (p) => `Changed pool ${p.pool}`,
  'DELETE /v2/dbaas-postgres/:service/connection-pool/:pool': (p) => `Deleted pool ${p.pool}`,
  'POST /v2/dbaas-integration': () => 'Created an integration',
  'PUT /v2/dbaas-integration/:id': () => 'Changed an integration',
  'DELETE /v2/dbaas-integration/:id': () => 'Deleted an integration',
  'PUT /v2/pgdeck/dbaas-postgres/:name/access': (_p, b) => accessChange(b),
};

/** What the entry did, in words: "Reset password of app", "Changed settings". */
export function describeActivity(e: Pick<ActivityEntry, 'route' | 'path' | 'body'>): string {
  const label = labels[e.route];
  if (!label) return e.route;
  const body = typeof e.body === 'object' && e.body !== null && !Array.isArray(e.body) ? (e.body as Record<string, unknown>) : undefined;
  return label(routeParams(e.route, e.path), body);
}

export interface Outcome {
  tone: 'green' | 'amber' | 'red' | 'zinc';
  text: string;
}

/** How it ended: the answer's status, and the state of the operation it started (as it is now). */
export function outcomeOf(e: Pick<ActivityEntry, 'status' | 'operation'>): Outcome {
  if (e.status === null) return { tone: 'amber', text: 'no answer' };
  if (e.status >= 400) return { tone: 'red', text: `${e.status} · ${e.status === 403 ? 'refused' : e.status >= 500 ? 'error' : 'rejected'}` };
  const state = e.operation?.state;
  if (state === 'pending') return { tone: 'amber', text: `${e.status} · in progress` };
  if (state === 'failure') return { tone: 'red', text: `${e.status} · operation failed` };
  return { tone: 'green', text: `${e.status} · ${state === 'success' ? 'succeeded' : 'done'}` };
}

/** An entry as the console shows it: in words. */
export type DescribedEntry = ActivityEntry & { what: string; outcome: Outcome };
export type DescribedPage = Omit<ActivityPage, 'activity'> & { activity: DescribedEntry[] };

export function describePage(page: ActivityPage): DescribedPage {
  return { ...page, activity: page.activity.map((e) => ({ ...e, what: describeActivity(e), outcome: outcomeOf(e) })) };
}
