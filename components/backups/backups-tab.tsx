'use client';
// A service's backups: the kept base backups, newest first, and the window a
// fork can be restored to, refreshed while the tab is open; keys that may
// write restore to a new service from here.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatBytes } from '@/components/services/format';
import { Time } from '@/components/services/time';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { Card, ErrorText } from '@/components/ui/card';
import { serviceTypeQuery } from '@/lib/queries/service-type';
import { serviceQuery } from '@/lib/queries/services';
import { ceilSecond, wholeSeconds } from '@/lib/schemas/recovery-point';
import type { ServicePg } from '@/lib/schemas/service';
import { RestoreDialog } from './restore-dialog';

const muted = 'text-sm text-zinc-500 dark:text-zinc-400';

/** The window's end is about now while the service runs: it is read again this often. */
const LIVE_MS = 5000;

export function BackupsTab({ name }: { name: string }) {
  const { data, error, isPending } = useQuery({ ...serviceQuery(name), refetchInterval: LIVE_MS });
  const canWrite = useCan('write');
  const [restoring, setRestoring] = useState(false);
  const backups = data?.backups ?? [];

  return (
    <Card
      title="Backups"
      actions={
        canWrite ? (
          <Button onClick={() => setRestoring(true)} disabled={backups.length === 0}>
            Restore to a new service
          </Button>
        ) : null
      }
    >
      <ErrorText error={error} />
      {isPending ? (
        <p aria-busy="true" className={muted}>
          Loading backups…
        </p>
      ) : null}
      {data ? <Summary service={data} /> : null}
      {data && backups.length === 0 ? <p className={muted}>No backup yet: the first is taken right after the service is created, then one a day.</p> : null}
      {backups.length > 0 ? (
        <div className="relative overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Backups of {name}</caption>
            <thead className="border-b border-zinc-200 text-xs text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400">
              <tr>
                <th scope="col" className="py-2 pr-3">Backup</th>
                <th scope="col" className="pr-3">Restores to</th>
                <th scope="col">Size</th>
              </tr>
            </thead>
            <tbody>
              {backups.map((b) => (
                <tr key={b['backup-name']} className="border-b border-zinc-100 dark:border-zinc-800/70">
                  <th scope="row" className="py-2 pr-3 font-mono font-medium">
                    {b['backup-name']}
                  </th>
                  <td className="py-2 pr-3 tabular-nums">
                    <Time at={ceilSecond(b['backup-time'])} precision="second" />
                  </td>
                  <td className="py-2 tabular-nums">{formatBytes(b['data-size'])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canWrite && data ? <RestoreDialog open={restoring} source={data} onClose={() => setRestoring(false)} /> : null}
    </Card>
  );
}

/** The recoverable window and what is kept, as far as the upstream tells them. */
function Summary({ service }: { service: ServicePg }) {
  const { data: type } = useQuery(serviceTypeQuery());
  const window = service['pgdeck-recovery-window'];
  const span = window ? wholeSeconds(window) : undefined;
  const kept = type?.plans.find((p) => p.name === service.plan)?.['backup-config']?.['max-count'];
  const at = service['backup-schedule'];
  const daily = at?.['backup-hour'] !== undefined ? `${String(at['backup-hour']).padStart(2, '0')}:${String(at['backup-minute'] ?? 0).padStart(2, '0')} UTC` : undefined;
  return (
    <dl className="mb-3 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
      <dt className="text-zinc-500 dark:text-zinc-400">Recoverable window</dt>
      <dd>
        {span ? (
          <>
            any second from <Time at={span.earliest} precision="second" /> to <Time at={span.latest} precision="second" />
          </>
        ) : (service.backups ?? []).length === 0 ? (
          'none yet'
        ) : (
          'not told by this upstream: a restore takes one of the backups below, or the latest state'
        )}
      </dd>
      {daily || kept ? (
        <>
          <dt className="text-zinc-500 dark:text-zinc-400">Schedule</dt>
          <dd>
            {daily ? `a backup a day at ${daily}` : 'a backup a day'}
            {kept ? `; ${service.plan} keeps the last ${kept}` : ''}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

// the service page loads it lazily, as its default export
export default BackupsTab;
