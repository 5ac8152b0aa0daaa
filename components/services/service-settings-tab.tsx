'use client';
// The settings tab: what can be changed on a service, and deleting it.
import { useQuery } from '@tanstack/react-query';
import { DatabaseSettingsCard } from '@/components/settings/database-settings-card';
import { useCan } from '@/components/session/session-context';
import { Card, ErrorText } from '@/components/ui/card';
import { serviceQuery } from '@/lib/queries/services';
import { DeleteServiceDialog } from './delete-service-dialog';
import { ServiceSettingsForm } from './service-settings-form';

export function ServiceSettingsTab({ name }: { name: string }) {
  const canDelete = useCan('delete-service');
  const { data: service, error } = useQuery(serviceQuery(name));
  if (!service) return error ? <ErrorText error={error} /> : <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">Loading the service…</p>;
  return (
    <div className="space-y-4">
      <ServiceSettingsForm service={service} />
      <DatabaseSettingsCard service={service} />
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
