'use client';
// Upgrading a service to a newer PostgreSQL major: choose the target, run the
// upgrade check, and when it passed, upgrade behind the typed name; then the
// steps as the operation reports them, and the outcome (a rollback leaves the
// service on its old major). The state lives above the dialog, so closing it
// while the upgrade runs and opening it again shows where it is.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { QueryProvider } from '@/components/providers';
import { Button } from '@/components/ui/button';
import { ErrorText } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { Field, Select, useFieldId } from '@/components/ui/field';
import { useStartUpgradeCheck } from '@/lib/queries/maintenance-mutations';
import type { TrackedOperation } from '@/lib/queries/operation-log';
import { useTrackedOperations } from '@/lib/queries/operations';
import { serviceTypeQuery } from '@/lib/queries/service-type';
import type { ServicePg } from '@/lib/schemas/service';
import type { DbaasTask } from '@/lib/schemas/task';
import { newerVersions, upgradeOutcome } from '@/lib/upgrade/steps';
import { UpgradeCheck } from './upgrade-check';
import { UpgradeProgress } from './upgrade-progress';

interface Props {
  open: boolean;
  service: ServicePg;
  onClose: () => void;
}

export default function UpgradeDialog(props: Props) {
  return (
    <QueryProvider>
      <UpgradeFlow {...props} />
    </QueryProvider>
  );
}

interface Started {
  id: string;
  from: string;
  to: string;
}

function UpgradeFlow({ open, service, onClose }: Props) {
  const [target, setTarget] = useState<string | null>(null);
  const [check, setCheck] = useState<DbaasTask | null>(null);
  const [started, setStarted] = useState<Started | null>(null);
  // the operation log lets go of an outcome after a while; the dialog keeps the last one seen
  const tracked = useTrackedOperations().find((o) => o.id === started?.id);
  const [op, setOp] = useState<TrackedOperation | undefined>();
  if (tracked && tracked !== op) setOp(tracked);
  const running = op !== undefined && upgradeOutcome(op) === 'pending';

  const close = () => {
    // an ended upgrade is done with; one under way is shown again on the next opening
    if (!running) {
      setTarget(null);
      setCheck(null);
      setStarted(null);
      setOp(undefined);
    }
    onClose();
  };

  return (
    <Dialog open={open} onClose={close} title={`Upgrade ${service.name}`} wide>
      {started ? (
        <UpgradeProgress started={started} op={op} onClose={close} />
      ) : (
        <ChooseAndCheck
          service={service}
          target={target}
          onTarget={(v) => {
            setTarget(v);
            setCheck(null);
          }}
          check={check}
          onCheck={setCheck}
          onStarted={(id, to) => setStarted({ id, from: service.version ?? '', to })}
          onClose={close}
        />
      )}
    </Dialog>
  );
}

interface ChooseProps {
  service: ServicePg;
  target: string | null;
  onTarget: (version: string) => void;
  check: DbaasTask | null;
  onCheck: (task: DbaasTask) => void;
  onStarted: (operationId: string, to: string) => void;
  onClose: () => void;
}

function ChooseAndCheck({ service, target, onTarget, check, onCheck, onStarted, onClose }: ChooseProps) {
  const { data: type, error: typeError } = useQuery(serviceTypeQuery());
  const start = useStartUpgradeCheck(service.name);
  const id = useFieldId('upgrade-target');
  const offered = newerVersions(type?.['available-versions'] ?? [], service.version);
  const chosen = target ?? offered[0] ?? '';

  const runCheck = () => start.mutate(chosen, { onSuccess: onCheck });

  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-600 dark:text-zinc-300">
        The service runs PostgreSQL <strong className="font-semibold">{service.version}</strong>. An upgrade to a newer major keeps its
        data, users and settings; it is checked first, backed up, and rolled back if anything fails.
      </p>
      <ErrorText error={typeError} />
      {!type && !typeError ? (
        <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">
          Loading the versions offered…
        </p>
      ) : null}
      {type && offered.length === 0 ? (
        <p className="text-sm">PostgreSQL {service.version} is the newest version this upstream offers: there is nothing to upgrade to.</p>
      ) : null}
      {offered.length > 0 ? (
        <div className="flex flex-wrap items-end gap-3">
          <div className="min-w-40 flex-1">
            <Field id={id} label="Target version">
              <Select id={id} value={chosen} onChange={(e) => onTarget(e.target.value)} disabled={start.isPending}>
                {offered.map((v) => (
                  <option key={v} value={v}>
                    PostgreSQL {v}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          <Button variant={check ? 'secondary' : 'primary'} onClick={runCheck} disabled={start.isPending} aria-busy={start.isPending || undefined}>
            {start.isPending ? 'Starting the check…' : check ? 'Run the check again' : 'Run check'}
          </Button>
        </div>
      ) : null}
      <ErrorText error={start.error} />
      {check ? <UpgradeCheck key={check.id} name={service.name} started={check} to={chosen} onStarted={onStarted} onClose={onClose} /> : null}
      {!check ? (
        <div className="flex justify-end">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
        </div>
      ) : null}
    </div>
  );
}
