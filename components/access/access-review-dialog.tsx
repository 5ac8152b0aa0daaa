'use client';
// Before a change of access is applied: the exact statements the engine will run for it (its preview), in one
// transaction; Apply is offered once they are on screen. After it, the grid reads the catalogs again.
import { useQuery } from '@tanstack/react-query';
import { ErrorText } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { LEVEL_LABEL } from '@/lib/access/grid';
import { previewAccess } from '@/lib/queries/access';
import { accessLabel, useSetAccess } from '@/lib/queries/access-mutations';
import { ACCESS_LEVEL_MEANING, type AccessChange } from '@/lib/schemas/access';

export function AccessReviewDialog({ name, change, onClose }: { name: string; change: AccessChange | null; onClose: () => void }) {
  const preview = useQuery({
    queryKey: ['access-preview', name, change],
    queryFn: () => previewAccess(name, change as AccessChange),
    enabled: change !== null,
    gcTime: 0,
    retry: false,
  });
  const set = useSetAccess(name);
  const statements = preview.data?.statements;

  return (
    <ConfirmDialog
      open={change !== null}
      onClose={onClose}
      title="Review the change of access"
      confirmLabel="Apply"
      danger={false}
      disabled={!statements}
      wide
      onConfirm={() => set.mutateAsync(change as AccessChange)}
    >
      {change ? (
        <div className="space-y-2">
          <p className="text-zinc-900 dark:text-zinc-100">
            {accessLabel(change)}. <span className="font-medium">{LEVEL_LABEL[change.level]}</span>: {ACCESS_LEVEL_MEANING[change.level]}.
          </p>
          <ErrorText error={preview.error} />
          {preview.isFetching ? <p aria-busy="true">Asking the engine what it would run…</p> : null}
          {statements ? (
            <>
              <h3 className="font-medium text-zinc-900 dark:text-zinc-100">
                {statements.length} statement{statements.length === 1 ? '' : 's'}, run in one transaction in {change.database}
              </h3>
              <p className="text-xs">If one fails, none of them changes anything.</p>
              {/* focusable: it scrolls, and keyboards scroll it too */}
              <ol aria-label="Statements to run" tabIndex={0} className="max-h-72 space-y-1 overflow-auto rounded-md bg-zinc-100 p-2 dark:bg-zinc-950">
                {statements.map((s, i) => (
                  <li key={i}>
                    <code className="font-mono text-xs break-words whitespace-pre-wrap text-zinc-900 dark:text-zinc-100">{s};</code>
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </div>
      ) : null}
    </ConfirmDialog>
  );
}
