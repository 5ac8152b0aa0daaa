'use client';
// The create form's "Advanced settings": collapsed, and its code and the
// settings schema loaded only once opened. The create form asks it, through
// `handle`, for the settings to send and hands it the server's errors on them.
import { lazy, Suspense, useCallback, useRef, useState, type RefObject } from 'react';
import type { BodyValues } from '@/lib/settings-form/values';

export interface AdvancedSettingsHandle {
  /** The changed settings as body fields ({} when none), or null when some are invalid (then shown). */
  collect(): Promise<BodyValues | null>;
  /** Shows a server error beside the setting it names; false when it names none of them. */
  showError(apiField: string | undefined, message: string): boolean;
}

// its module's default export: the shortest loader, in the create form's first load
const CreateSettingsFields = lazy(() => import('./create-settings-fields'));

export function AdvancedSettingsSection({ version, handle }: { version: string | undefined; handle: RefObject<AdvancedSettingsHandle | null> }) {
  const [opened, setOpened] = useState(false);
  const details = useRef<HTMLDetailsElement>(null);
  const reveal = useCallback(() => {
    if (details.current) details.current.open = true;
  }, []);
  return (
    <details ref={details} className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" onToggle={(e) => e.currentTarget.open && setOpened(true)}>
      <summary className="cursor-pointer rounded-sm focus-visible:outline-2 focus-visible:outline-blue-500">
        <span className="text-base font-semibold">Advanced settings</span>
        <span className="block text-xs text-zinc-500 dark:text-zinc-400">PostgreSQL, PgBouncer and failover settings. Anything left blank keeps its default.</span>
      </summary>
      {opened ? (
        <div className="mt-4">
          <Suspense fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading…</p>}>
            <CreateSettingsFields version={version} handle={handle} reveal={reveal} />
          </Suspense>
        </div>
      ) : null}
    </details>
  );
}
