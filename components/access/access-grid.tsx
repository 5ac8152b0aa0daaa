'use client';
// Users × databases, one of four levels in each cell: a select where the key may change it, the level in words where
// it may not (a viewer, the admin's own row). A level held with more grants than it (made by SQL) reads "Read +".
import { Badge } from '@/components/ui/badge';
import { Select } from '@/components/ui/field';
import { accessCells, cellText, LEVEL_LABEL } from '@/lib/access/grid';
import { ACCESS_LEVELS, type AccessChange, type AccessLevel, type AccessView } from '@/lib/schemas/access';

const sticky = 'sticky left-0 z-10 bg-white dark:bg-zinc-950';

interface Props {
  name: string;
  view: AccessView;
  editable: boolean;
  /** The change under review: its cell shows where it is going. */
  pending: AccessChange | null;
  onChange(change: AccessChange): void;
}

export function AccessGrid({ name, view, editable, pending, onChange }: Props) {
  const cell = accessCells(view);
  return (
    // the grid scrolls sideways inside its own box, the user names staying in view
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Access of each user to each database of {name}</caption>
        <thead className="border-b border-zinc-200 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
          <tr>
            <th scope="col" className={`${sticky} py-2 pr-3 uppercase`}>
              User
            </th>
            {view.databases.map((db) => (
              <th key={db} scope="col" className="min-w-36 px-2 py-2 font-mono font-medium normal-case">
                {db}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.users.map((user) => {
            const isAdmin = user === view.admin;
            return (
              <tr key={user} className="border-b border-zinc-100 dark:border-zinc-800/70">
                <th scope="row" className={`${sticky} py-2 pr-3 font-mono font-medium`}>
                  <span className="flex items-center gap-2">
                    {user}
                    {isAdmin ? <Badge tone="amber">admin</Badge> : null}
                  </span>
                </th>
                {view.databases.map((db) => {
                  const c = cell(user, db);
                  const shown: AccessLevel = pending?.username === user && pending.database === db ? pending.level : c.level;
                  return (
                    <td key={db} className="px-2 py-1.5">
                      {editable && !isAdmin ? (
                        <Select
                          aria-label={`Access of ${user} to ${db}`}
                          value={shown}
                          title={c.partial ? 'Holds more than this level: grants on some tables, made with SQL' : undefined}
                          onChange={(e) => onChange({ database: db, username: user, level: e.target.value as AccessLevel })}
                        >
                          {ACCESS_LEVELS.map((l) => (
                            <option key={l} value={l}>
                              {l === c.level ? cellText(c) : LEVEL_LABEL[l]}
                            </option>
                          ))}
                        </Select>
                      ) : (
                        <span
                          className={c.level === 'none' ? 'text-zinc-500 dark:text-zinc-400' : ''}
                          title={isAdmin ? 'The admin’s own access is not changed here' : undefined}
                        >
                          {cellText(c)}
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
