'use client';
// Before applying: each change as key, old → new, the ones that restart the
// database marked, with a warning when any does.
import { Badge } from '@/components/ui/badge';
import { Dialog } from '@/components/ui/dialog';
import { DialogActions } from '@/components/ui/dialog-actions';
import type { SettingChange } from '@/lib/settings-form/changes';
import { parameterOf } from '@/lib/settings-form/outcome';
import { formatValue } from '@/lib/settings-form/values';
import type { ReviewItem } from './settings-part';

/** An unset value reads as the default it stands for, when the schema says which. */
const shown = (c: SettingChange, value: unknown) =>
  (value === undefined || value === null) && c.field.default !== undefined ? `default (${formatValue(c.field, c.field.default)})` : formatValue(c.field, value);

/** A generated setting's change as the review lists it. */
export const reviewItemOf = (c: SettingChange): ReviewItem => ({
  id: c.field.id,
  section: c.field.section,
  key: c.field.key,
  old: shown(c, c.old),
  new: shown(c, c.new),
  restart: c.restart,
  parameter: parameterOf(c.field),
});

interface Props {
  open: boolean;
  items: ReviewItem[];
  applying: boolean;
  onCancel: () => void;
  onApply: () => void;
}

export function SettingsReviewDialog({ open, items, applying, onCancel, onApply }: Props) {
  const restarts = items.filter((c) => c.restart);
  return (
    <Dialog open={open} onClose={onCancel} title="Review changes">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          onApply();
        }}
      >
        {restarts.length > 0 ? (
          <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40">
            <strong>Applying restarts the database.</strong> {restarts.length === 1 ? 'One change needs' : `${restarts.length} changes need`} a PostgreSQL restart: open connections are dropped and the
            service is briefly unavailable.
          </p>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-300">These changes are applied with a reload; connections stay open.</p>
        )}
        <ul aria-label="Changes" className="max-h-80 divide-y divide-zinc-200 overflow-y-auto rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {items.map((c) => (
            <li key={c.id} className="space-y-0.5 px-3 py-2 text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <span className="text-xs text-zinc-500 dark:text-zinc-400">{c.section}</span>
                <code className="font-mono font-medium break-all">{c.key}</code>
                {c.restart ? <Badge tone="amber">restarts the database</Badge> : null}
              </div>
              <div className="break-all">
                {c.old} → <span className="font-medium">{c.new}</span>
              </div>
            </li>
          ))}
        </ul>
        <DialogActions onCancel={onCancel} submitting={applying} label={restarts.length > 0 ? 'Apply and restart' : 'Apply changes'} busyLabel="Applying…" />
      </form>
    </Dialog>
  );
}
