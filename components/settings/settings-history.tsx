'use client';
// The settings tab's history (the upstream's settings-history extension; absent where it lacks it): each change of
// the service's tracked settings, newest first, as who, when and each key before → after. "Revert to this" puts the
// editor's keys the change touched back as they were before it, for the one save bar's review: nothing is sent here.
import { useQuery } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { LoadOlder, useOlderPages } from '@/components/activity/older-pages';
import { useSession } from '@/components/session/session-context';
import { Time } from '@/components/services/time';
import { Button } from '@/components/ui/button';
import { Card, ErrorText } from '@/components/ui/card';
import { historyValue, keyChanges, revertOf, touchesEditor, type Revert } from '@/lib/activity/settings-changes';
import { readSettingsHistory, settingsHistoryQuery } from '@/lib/queries/settings-history';
import type { SettingsChange, SettingsHistory } from '@/lib/schemas/activity';
import type { SettingField } from '@/lib/settings-form/fields';
import { sameValue } from '@/lib/settings-form/values';

const muted = 'text-zinc-500 dark:text-zinc-400';

/** Whether the upstream keeps settings history (GET /v2/pgdeck lists settings-history). */
export const useSettingsHistoryOffered = () => useSession().extensions?.includes('settings-history') ?? false;

/** What the tab does with a revert; absent for read-only keys. `fields`: the editor's, null while its schema loads. */
export interface RevertTarget {
  fields: SettingField[] | null;
  apply: (revert: Revert, change: SettingsChange) => void;
}

function Entry({ change, target }: { change: SettingsChange; target?: RevertTarget }) {
  const keys = keyChanges(change);
  const created = change.before === null;
  const revert = target?.fields && !created && touchesEditor(keys) ? revertOf(keys, target.fields) : undefined;
  const headId = `settings-change-${change.id}`;
  return (
    <li className="py-3">
      <p id={headId} className={`flex flex-wrap items-center gap-x-3 gap-y-1 text-sm ${muted}`}>
        <span className="inline-flex min-w-0 items-center gap-1 font-medium text-zinc-700 dark:text-zinc-300">
          <KeyRound aria-hidden className="size-3.5 shrink-0" />
          <span className="sr-only">{created ? 'Created by' : 'Changed by'}</span>
          <span className="break-all">{change.key ?? 'the engine'}</span>
        </span>
        {created ? <span>created the service</span> : null}
        <Time at={change.time} precision="second" />
      </p>
      {keys.length > 0 ? (
        <ul aria-label={created ? 'Created with' : 'Changed keys'} className="mt-1 space-y-0.5 text-sm">
          {keys.map((k) => (
            <li key={k.key} className="break-words">
              <code className="font-mono break-all">{k.key}</code>: <span className="break-all">{historyValue(k.before)}</span> →{' '}
              <span className="font-medium break-all">{historyValue(k.after)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {revert && revert.drafts.length > 0 ? (
        <Button variant="secondary" className="mt-2" aria-describedby={headId} onClick={() => target?.apply(revert, change)}>
          Revert to this
        </Button>
      ) : revert ? (
        <p className={`mt-1 text-xs ${muted}`}>Not revertible here: {revert.skipped.join(', ')} cannot be put back from this editor.</p>
      ) : null}
    </li>
  );
}

function Changes({ name, first, target }: { name: string; first: SettingsHistory; target?: RevertTarget }) {
  const { entries, more } = useOlderPages(first.history, first.next, async (before) => {
    const page = await readSettingsHistory(name, before);
    return { entries: page.history, next: page.next };
  });
  return (
    <div>
      {entries.length === 0 ? (
        <p className={`text-sm ${muted}`}>No settings changes yet.</p>
      ) : (
        <ol aria-label="Settings changes, newest first" className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {entries.map((c) => (
            <Entry key={c.id} change={c} target={target} />
          ))}
        </ol>
      )}
      <LoadOlder more={more} shown={entries.length} none="No older changes." />
    </div>
  );
}

export function SettingsHistoryCard({ name, target, said }: { name: string; target?: RevertTarget; said?: string }) {
  const { data, error, isPending } = useQuery(settingsHistoryQuery(name));
  return (
    <Card title="History">
      <div className="space-y-3">
        <p role="status" className="text-sm font-medium text-zinc-700 empty:hidden dark:text-zinc-200">
          {said}
        </p>
        <ErrorText error={error} />
        {isPending ? (
          <p aria-busy="true" className={`text-sm ${muted}`}>
            Loading the history…
          </p>
        ) : null}
        {/* a refreshed first page (after a save here) starts the paging again */}
        {data ? <Changes key={data.history[0]?.id ?? 0} name={name} first={data} target={target} /> : null}
      </div>
    </Card>
  );
}

/** What the tab says once a revert filled the editor: how many keys, whose change, and what it left. */
export function revertedMessage(revert: Revert, change: SettingsChange): string {
  const n = revert.drafts.length;
  const kept = keyChanges(change).filter((k) => !revert.drafts.some((d) => sameValue(d.field.path, k.path))).map((k) => k.key);
  const left = kept.length > 0 ? ` Not put back here: ${kept.join(', ')}.` : '';
  return `${n === 1 ? '1 setting' : `${n} settings`} as before the change by ${change.key ?? 'the engine'}: review them and save.${left}`;
}
