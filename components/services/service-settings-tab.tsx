'use client';
// The settings tab: what can be changed on a service, and deleting it.
import { DatabaseSettingsCard } from '@/components/settings/database-settings-card';
import { useCan } from '@/components/session/session-context';
import { Card } from '@/components/ui/card';
import type { ServicePg } from '@/lib/schemas/service';
import { DeleteServiceDialog } from './delete-service-dialog';
import { ServiceSettingsForm } from './service-settings-form';

export function ServiceSettingsTab({ service }: { service: ServicePg }) {
  const canDelete = useCan('delete-service');
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
