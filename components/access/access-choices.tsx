'use client';
// The access to grant as a user or a database is created: a level per database (creating a user) or per user
// (creating a database), applied through the same change as the Access tab right after the create succeeds. Offered
// only where the upstream has the database-access extension.
import { useSession } from '@/components/session/session-context';
import { Select } from '@/components/ui/field';
import { LEVEL_LABEL } from '@/lib/access/grid';
import { accessLabel, useSetAccess } from '@/lib/queries/access-mutations';
import { ACCESS_LEVELS, type AccessChange, type AccessLevel } from '@/lib/schemas/access';

export type AccessChoice = Record<string, AccessLevel>;

/** Whether the upstream can grant access (GET /v2/pgdeck lists database-access). */
export const useAccessOffered = () => useSession().extensions?.includes('database-access') ?? false;

/** Applies each change in turn (the engine runs one change of a service at a time); answers the failures, in words. */
export function useApplyAccess(name: string): (changes: AccessChange[]) => Promise<string[]> {
  const set = useSetAccess(name);
  return async (changes) => {
    const failed: string[] = [];
    for (const c of changes) {
      try {
        await set.mutateAsync(c);
      } catch (err) {
        failed.push(`${accessLabel(c)}: ${(err as Error).message}`);
      }
    }
    return failed;
  };
}

/** The changes a choice asks for (none: nothing to run). */
export const chosenChanges = (choice: AccessChoice, change: (other: string, level: AccessLevel) => AccessChange) =>
  Object.entries(choice)
    .filter(([, level]) => level !== 'none')
    .map(([other, level]) => change(other, level));

interface Props {
  legend: string;
  description: string;
  /** The databases (or users) to choose a level for. */
  names: string[];
  value: AccessChoice;
  onChange(value: AccessChoice): void;
}

export function AccessChoices({ legend, description, names, value, onChange }: Props) {
  if (!names.length) return null;
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">{legend}</legend>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">{description}</p>
      <ul className="max-h-48 space-y-1.5 overflow-y-auto">
        {names.map((n) => (
          <li key={n} className="grid grid-cols-[minmax(0,1fr)_9rem] items-center gap-3">
            <label htmlFor={`access-${n}`} className="truncate font-mono text-sm" title={n}>
              {n}
            </label>
            <Select id={`access-${n}`} value={value[n] ?? 'none'} onChange={(e) => onChange({ ...value, [n]: e.target.value as AccessLevel })}>
              {ACCESS_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {LEVEL_LABEL[l]}
                </option>
              ))}
            </Select>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** After a create: what was granted, or what could not be. */
export function AccessOutcome({ granted, failed }: { granted: AccessChange[]; failed: string[] }) {
  return (
    <>
      {granted.length > 0 && failed.length === 0 ? <p className="text-sm">Access given: {granted.map((c) => `${c.level} on ${c.database} for ${c.username}`).join(', ')}.</p> : null}
      {failed.length ? (
        <div role="alert" className="text-sm text-red-600 dark:text-red-400">
          <p>Created, but some access could not be given (change it in the Access tab):</p>
          <ul className="list-disc pl-5">
            {failed.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
