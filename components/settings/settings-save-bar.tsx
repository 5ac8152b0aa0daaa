'use client';
// The settings tab's one save bar: stuck to the bottom of the window while
// the tab scrolls under it, it counts the changed keys, opens the review,
// drops the changes, and says what the last save did. Its buttons sit on the
// left, clear of the operations' messages in the bottom right corner.
import { Button } from '@/components/ui/button';

interface Props {
  count: number;
  busy: boolean;
  /** What the last save is doing or did ("Applied 3 settings; PostgreSQL restarted (shared_buffers)"). */
  outcome?: string;
  onSave: () => void;
  onDiscard: () => void;
}

export function SettingsSaveBar({ count, busy, outcome, onSave, onDiscard }: Props) {
  const nothing = count === 0 || busy;
  return (
    <div
      role="region"
      aria-label="Save changes"
      className="sticky bottom-0 z-10 rounded-lg border border-zinc-200 bg-white/95 px-4 py-3 shadow-[0_-4px_12px_-6px_rgb(0_0_0/0.15)] backdrop-blur-sm dark:border-zinc-800 dark:bg-zinc-950/95"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <Button onClick={onSave} disabled={nothing} aria-busy={busy || undefined}>
          {busy ? 'Saving…' : 'Review and save'}
        </Button>
        <Button variant="secondary" onClick={onDiscard} disabled={nothing}>
          Discard
        </Button>
        <p aria-live="polite" className="text-sm text-zinc-600 dark:text-zinc-300">
          {count === 0 ? 'No unsaved changes' : count === 1 ? '1 unsaved change' : `${count} unsaved changes`}
        </p>
        <p role="status" className="text-sm font-medium text-zinc-700 dark:text-zinc-200">
          {outcome}
        </p>
      </div>
    </div>
  );
}
