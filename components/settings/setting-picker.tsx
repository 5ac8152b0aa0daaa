'use client';
// "Add a setting…": a combobox over every key of the model, by name, title,
// description, section and group (lib/settings-form/search.ts). Arrow keys
// move through the matches, Enter or a click picks one, Escape closes the
// list; Enter never submits the form it sits in.
import { Search } from 'lucide-react';
import { useId, useMemo, useState } from 'react';
import { Input } from '@/components/ui/field';
import { cn } from '@/components/ui/cn';
import type { SettingField } from '@/lib/settings-form/fields';
import { searchFields } from '@/lib/settings-form/search';

interface Props {
  fields: SettingField[];
  /** Whether a field is already on screen (picking it then only takes the focus there). */
  isShown: (f: SettingField) => boolean;
  onPick: (f: SettingField) => void;
}

export function SettingPicker({ fields, isShown, onPick }: Props) {
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const { hits, total } = useMemo(() => searchFields(fields, query), [fields, query]);
  const id = useId();
  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-option-${i}`;
  const typed = query.trim() !== '';
  const expanded = open && typed && hits.length > 0;

  const pick = (f: SettingField) => {
    onPick(f);
    setQuery('');
    setOpen(false);
  };

  return (
    <div className="relative w-full max-w-md">
      <label htmlFor={`${id}-input`} className="sr-only">
        Add a setting
      </label>
      <Search aria-hidden className="pointer-events-none absolute top-2 left-2.5 h-4 w-4 text-zinc-500 dark:text-zinc-400" />
      <Input
        id={`${id}-input`}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded ? optionId(active) : undefined}
        aria-describedby={`${id}-status`}
        className="pl-8"
        placeholder="Add a setting…"
        value={query}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setOpen(true);
            const step = e.key === 'ArrowDown' ? 1 : -1;
            setActive((i) => (hits.length === 0 ? 0 : (i + step + hits.length) % hits.length));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const hit = hits[active];
            if (expanded && hit) pick(hit);
          } else if (e.key === 'Escape' && (expanded || typed)) {
            // the first Escape closes the list, the next clears the query; neither closes a dialog around it
            e.preventDefault();
            if (expanded) setOpen(false);
            else setQuery('');
          }
        }}
      />
      <div
        hidden={!expanded}
        className="absolute z-20 mt-1 w-full overflow-hidden rounded-md border border-zinc-200 bg-white shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      >
        <ul id={listId} role="listbox" aria-label="Matching settings" className="max-h-80 overflow-y-auto py-1">
          {hits.map((f, i) => (
            <li
              key={f.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              // keeps the focus in the input, so the pick is not lost to its blur
              onMouseDown={(e) => e.preventDefault()}
              onMouseMove={() => setActive(i)}
              onClick={() => pick(f)}
              className={cn('cursor-pointer px-3 py-1.5 text-sm', i === active && 'bg-blue-50 dark:bg-blue-950/60')}
            >
              <span className="font-mono font-medium break-all">{f.key}</span>{' '}
              {/* the spaces keep the option's name readable ("deadlock_timeout PostgreSQL ...") */}
              <span className="ml-1 text-xs text-zinc-600 dark:text-zinc-400">
                {[f.section, f.group].filter(Boolean).join(' · ')}
                {isShown(f) ? ' · shown' : ''}
              </span>
              {f.description ? <span className="block truncate text-xs text-zinc-600 dark:text-zinc-400"> {f.description}</span> : null}
            </li>
          ))}
        </ul>
        {total > hits.length ? <p className="border-t border-zinc-200 px-3 py-1.5 text-xs text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">{total - hits.length} more: type more of the name</p> : null}
      </div>
      <p id={`${id}-status`} aria-live="polite" className={cn('mt-1 text-xs text-zinc-600 dark:text-zinc-400', !(typed && hits.length === 0) && 'sr-only')}>
        {!typed ? 'Type part of a name, a description or a group.' : hits.length === 0 ? `No setting matches “${query.trim()}”.` : `${total} ${total === 1 ? 'setting matches' : 'settings match'}.`}
      </p>
    </div>
  );
}
