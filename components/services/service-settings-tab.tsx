'use client';
// The settings tab: the service's own settings and its database configuration
// under one save bar (the count of changed keys; Save opens the review of all
// of them; one update sends them; then what it is doing and did, restarts
// named), the history of the settings (where the upstream keeps it), whose
// "Revert to this" fills the editor for that same bar, and deleting the
// service. Read-only keys see the same forms with every input disabled, the
// history without reverts, and no save bar.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { DatabaseSettingsCard, useDatabaseSettings } from '@/components/settings/database-settings-card';
import { revertedMessage, SettingsHistoryCard, useSettingsHistoryOffered, type RevertTarget } from '@/components/settings/settings-history';
import { SettingsReviewDialog } from '@/components/settings/settings-review-dialog';
import { SettingsSaveBar } from '@/components/settings/settings-save-bar';
import { useSettingsModel } from '@/components/settings/use-settings-model';
import { useCan } from '@/components/session/session-context';
import { Card, ErrorText, FormError } from '@/components/ui/card';
import type { TrackedOperation } from '@/lib/queries/operation-log';
import { useTrackedOperations } from '@/lib/queries/operations';
import { useUpdateService } from '@/lib/queries/service-mutations';
import { serviceQuery } from '@/lib/queries/services';
import type { ServicePg } from '@/lib/schemas/service';
import { appliedMessage, applyingMessage } from '@/lib/settings-form/outcome';
import { majorOf } from '@/lib/settings-form/values';
import { DeleteServiceDialog } from './delete-service-dialog';
import { ServiceFieldsCard, useServiceFields } from './service-settings-form';

export function ServiceSettingsTab({ name }: { name: string }) {
  const { data: service, error } = useQuery(serviceQuery(name));
  if (!service) return error ? <ErrorText error={error} /> : <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">Loading the service…</p>;
  return <SettingsTabBody service={service} />;
}

/** What the save bar says of a save, as its operation goes. */
function saidOf(saved: { count: number; marked: string[] }, op: TrackedOperation): string {
  if (op.state === 'pending') return applyingMessage(saved.count, saved.marked);
  if (op.state === 'success') return appliedMessage(saved.count, saved.marked, op);
  return `Not applied: ${op.message ?? 'no reason given'}`;
}

function SettingsTabBody({ service }: { service: ServicePg }) {
  const canWrite = useCan('write');
  const canDelete = useCan('delete-service');
  const qc = useQueryClient();
  const update = useUpdateService(service.name);
  const { model, placeholder } = useSettingsModel(majorOf(service.version));
  const own = useServiceFields(service);
  const database = useDatabaseSettings(service, model);
  const parts = [own.part, database.part];
  const items = parts.flatMap((p) => p.items);
  const [reviewing, setReviewing] = useState(false);
  const [applying, setApplying] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const historyOffered = useSettingsHistoryOffered();
  // what the last "Revert to this" put back, until the changes are saved or dropped
  const [reverted, setReverted] = useState<string | undefined>();
  const revertTarget: RevertTarget | undefined = canWrite
    ? {
        fields: model?.fields ?? null,
        apply(revert, change) {
          database.revert(revert);
          setReverted(revertedMessage(revert, change));
        },
      }
    : undefined;
  // the last save: how many settings, the restarts the schema marks, and its operation as the log follows it
  // (kept once the log lets go of it)
  const [saved, setSaved] = useState<{ id: string; count: number; marked: string[] } | null>(null);
  const tracked = useTrackedOperations().find((o) => o.id === saved?.id);
  const [seen, setSeen] = useState<TrackedOperation | undefined>();
  if (tracked && tracked !== seen) setSeen(tracked);
  const outcome = saved && seen?.id === saved.id ? saidOf(saved, seen) : undefined;

  const review = async () => {
    setFormError(null);
    // part by part, so that the focus lands on the first problem
    for (const p of parts) if (!(await p.check())) return;
    if (items.length > 0) setReviewing(true);
  };

  const save = async () => {
    setApplying(true);
    const count = items.length;
    const marked = items.flatMap((i) => (i.restart && i.parameter ? [i.parameter] : []));
    try {
      const op = await update.mutateAsync(Object.assign({}, ...parts.map((p) => p.body())));
      setSaved({ id: op.id, count, marked });
      setReviewing(false);
      setReverted(undefined);
      const fresh = await qc.fetchQuery({ ...serviceQuery(service.name), staleTime: 0 });
      parts.forEach((p) => p.settle(fresh));
    } catch (err) {
      setReviewing(false);
      if (!parts.some((p) => p.showError(err))) setFormError((err as Error).message);
    } finally {
      setApplying(false);
    }
  };

  return (
    <div className="space-y-4">
      {/* the bar sticks within this block: it stays on screen down to the last setting */}
      <div className="space-y-4">
        <ServiceFieldsCard service={service} settings={own} readOnly={!canWrite} />
        <DatabaseSettingsCard settings={database} model={model} placeholder={placeholder} readOnly={!canWrite} />
        {historyOffered ? <SettingsHistoryCard name={service.name} target={revertTarget} said={reverted} /> : null}
        {canWrite ? (
          <>
            <FormError message={formError} />
            <SettingsSaveBar
              count={items.length}
              busy={applying}
              outcome={outcome}
              onSave={() => void review()}
              onDiscard={() => {
                setFormError(null);
                setReverted(undefined);
                parts.forEach((p) => p.discard());
              }}
            />
          </>
        ) : null}
      </div>
      {canWrite ? <SettingsReviewDialog open={reviewing} items={items} applying={applying} onCancel={() => setReviewing(false)} onApply={() => void save()} /> : null}
      {canDelete ? (
        <Card title="Delete service">
          <DeleteServiceDialog name={service.name} terminationProtection={service['termination-protection'] ?? false} />
        </Card>
      ) : null}
    </div>
  );
}

// the service page loads it lazily, as its default export
export default ServiceSettingsTab;
