// A migration as it stands: overall (copying, in sync, done, failed with the
// reason), where from, and each database's state: copying with its tables
// done, syncing with its lag, done, or failed with its reason. No state of
// its own: the service page renders it on the server, the wizard in the browser.
import { formatBytes } from '@/components/services/format';
import { Time } from '@/components/services/time';
import { Badge } from '@/components/ui/badge';
import { readDatabase, type DatabaseReading } from '@/lib/migration/database-reading';
import type { MigrationStatus, MigrationStatusView } from '@/lib/schemas/migration';

const tones: Record<MigrationStatus, 'amber' | 'green' | 'red' | 'zinc'> = { running: 'amber', syncing: 'zinc', done: 'green', failed: 'red' };

const overall: Record<MigrationStatus, string> = {
  running: 'Copying the source’s databases into this service.',
  syncing: 'In sync with the source: its writes are copied here until you stop and cut over.',
  done: 'Done: the data is in this service, and the service is writable.',
  failed: 'The migration failed.',
};

const methodWords: Record<string, string> = { dump: 'dump (a one-time copy)', replication: 'replication (in sync until the cut-over)' };

/** What a database's state reads as, in a few words (a failure's reason goes below it). */
export function databaseStateText(d: DatabaseReading): string {
  switch (d.state) {
    case 'schema':
      return 'copying the schema';
    case 'copying':
      return [
        d.tables ? `copying: ${d.tables.done} of ${d.tables.total} tables` : 'copying',
        d.bytes ? `${formatBytes(d.bytes.done)} of ${formatBytes(d.bytes.total)}` : '',
      ].filter(Boolean).join(', ');
    case 'indexes':
      return 'building indexes and constraints';
    case 'syncing':
      return d.lagBytes === null || d.lagBytes === undefined ? 'syncing' : `syncing, lag ${formatBytes(d.lagBytes)}`;
    case 'cutting-over':
      return 'cutting over';
    case 'done':
      return 'done';
    case 'failed':
      return 'failed';
  }
}

const stateTone = (d: DatabaseReading) => (d.state === 'done' ? 'green' : d.state === 'failed' ? 'red' : d.state === 'syncing' ? 'zinc' : 'amber');

export function MigrationStatusView({ status: m }: { status: MigrationStatusView }) {
  const source = m['pgdeck-source'];
  const databases = m.details.map(readDatabase);
  return (
    <div className="space-y-3">
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone={tones[m.status]}>
          <span className="sr-only">Migration: </span>
          {m.status}
        </Badge>
        <span>{overall[m.status]}</span>
      </p>
      {m.status === 'failed' && m.error ? (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-900 dark:bg-red-900/30 dark:text-red-200">
          {m.error}
        </p>
      ) : null}
      <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        {source ? (
          <>
            <dt className="text-zinc-500 dark:text-zinc-400">From</dt>
            <dd className="font-mono text-xs break-all">
              {source.username}@{source.host}:{source.port} ({source['ssl-mode'] === 'disable' ? 'no TLS' : `TLS, ${source['ssl-mode']}`})
            </dd>
          </>
        ) : null}
        <dt className="text-zinc-500 dark:text-zinc-400">Method</dt>
        <dd>{m.method ? (methodWords[m.method] ?? m.method) : 'per database'}</dd>
        {m['pgdeck-started-at'] ? (
          <>
            <dt className="text-zinc-500 dark:text-zinc-400">Started</dt>
            <dd>
              <Time at={m['pgdeck-started-at']} />
            </dd>
          </>
        ) : null}
        {m['pgdeck-finished-at'] ? (
          <>
            <dt className="text-zinc-500 dark:text-zinc-400">Finished</dt>
            <dd>
              <Time at={m['pgdeck-finished-at']} />
            </dd>
          </>
        ) : null}
      </dl>
      {databases.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">No database is listed yet.</p>
      ) : (
        <table aria-label="Migrated databases" className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400">
            <tr>
              <th scope="col" className="py-1.5 font-medium">Database</th>
              <th scope="col" className="font-medium">Method</th>
              <th scope="col" className="font-medium">State</th>
            </tr>
          </thead>
          <tbody>
            {databases.map((d) => (
              <tr key={d.dbname} className="border-b border-zinc-100 align-top last:border-0 dark:border-zinc-900">
                <th scope="row" className="py-1.5 pr-2 font-mono text-xs font-normal break-all">{d.dbname}</th>
                <td className="py-1.5 pr-2">{d.method ?? '–'}</td>
                <td className="py-1.5">
                  <Badge tone={stateTone(d)}>{databaseStateText(d)}</Badge>
                  {d.reason ? <p className="mt-1 text-xs break-words text-red-700 dark:text-red-400">{d.reason}</p> : null}
                  {d.warning ? <p className="mt-1 text-xs text-amber-800 dark:text-amber-300">{d.warning}</p> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
