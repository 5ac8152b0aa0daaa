'use client';
// The settings tab: the service's own settings and its database configuration
// under one save bar (the count of changed keys; Save opens the review of all
// of them; one update sends them), and deleting the service. Read-only keys
// see the same forms with every input disabled and no save bar.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { DatabaseSettingsCard, useDatabaseSettings } from '@/components/settings/database-settings-card';
import { SettingsReviewDialog } from '@/components/settings/settings-review-dialog';
import { SettingsSaveBar } from '@/components/settings/settings-save-bar';
import { useSettingsModel } from '@/components/settings/use-settings-model';
import { useCan } from '@/components/session/session-context';
import { Card, ErrorText, FormError } from '@/components/ui/card';
import { useApplySettings } from '@/lib/queries/settings-mutations';
import { serviceQuery } from '@/lib/queries/services';
import type { ServicePg } from '@/lib/schemas/service';
import { appliedMessage } from '@/lib/settings-form/outcome';
import { majorOf } from '@/lib/settings-form/values';
import { DeleteServiceDialog } from './delete-service-dialog';
import { ServiceFieldsCard, useServiceFields } from './service-settings-form';

export function ServiceSettingsTab({ name }: { name: string }) {
  const { data: service, error } = useQuery(serviceQuery(name));
  if (!service) return error ? <ErrorText error={error} /> : <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">Loading the service…</p>;
  return <SettingsTabBody service={service} />;
}

function SettingsTabBody({ service }: { service: ServicePg }) {
  const canWrite = useCan('write');
  const canDelete = useCan('delete-service');
  const qc = useQueryClient();
  const apply = useApplySettings(service.name);
  const { model, placeholder } = useSettingsModel(majorOf(service.version));
  const own = useServiceFields(service);
  const database = useDatabaseSettings(service, model);
  const parts = [own.part, database.part];
  const items = parts.flatMap((p) => p.items);
  const [reviewing, setReviewing] = useState(false);
  const [applying, setApplying] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  const review = async () => {
    setFormError(null);
    // part by part, so that the focus lands on the first problem
    for (const p of parts) if (!(await p.check())) return;
    if (items.length > 0) setReviewing(true);
  };

  const save = async () => {
    setApplying(true);
    const reviewed = items;
    const restarting = reviewed.flatMap((i) => (i.restart && i.parameter ? [i.parameter] : []));
    try {
      await apply.mutateAsync({ body: Object.assign({}, ...parts.map((p) => p.body())), describe: (op) => appliedMessage(reviewed.length, restarting, op) });
      setReviewing(false);
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
        {canWrite ? (
          <>
            <FormError message={formError} />
            <SettingsSaveBar
              count={items.length}
              busy={applying}
              onSave={() => void review()}
              onDiscard={() => {
                setFormError(null);
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
