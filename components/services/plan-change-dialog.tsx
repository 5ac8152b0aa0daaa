'use client';
// Changing a service's plan: choose among the plans the upstream offers (the
// current one marked, those the key may not have disabled) with what the move
// does shown beside the choice; review it; then the operation followed to its
// end, when the page shows the new plan. A refusal is shown with the upstream's
// reason. The state lives above the dialog, so closing it while the change
// runs and opening it again shows where it is.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { QueryProvider } from '@/components/providers';
import { ErrorText } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { DialogActions } from '@/components/ui/dialog-actions';
import { Spinner } from '@/components/ui/spinner';
import { currentFigures, planEffects } from '@/lib/plan-change/effects';
import { fieldError } from '@/lib/queries/api';
import { serviceKeys } from '@/lib/queries/keys';
import type { TrackedOperation } from '@/lib/queries/operation-log';
import { useTrackedOperations } from '@/lib/queries/operations';
import { planChangesQuery } from '@/lib/queries/plan-changes';
import { useChangePlan } from '@/lib/queries/service-mutations';
import { serviceTypeQuery } from '@/lib/queries/service-type';
import type { ServicePg } from '@/lib/schemas/service';
import { PlanChangeEffects } from './plan-change-effects';
import { PlanPicker } from './plan-picker';
import { ChooseError, Progress, Review, type Started } from './plan-change-steps';

interface Props {
  open: boolean;
  service: ServicePg;
  onClose: () => void;
}

export default function PlanChangeDialog(props: Props) {
  return (
    <QueryProvider>
      <PlanChangeFlow {...props} />
    </QueryProvider>
  );
}


function PlanChangeFlow({ open, service, onClose }: Props) {
  // null: the plan the service runs (which the page's refresh moves after a change)
  const [picked, setPicked] = useState<string | null>(null);
  const chosen = picked ?? service.plan;
  const [reviewing, setReviewing] = useState(false);
  const [started, setStarted] = useState<Started | null>(null);
  // the operation log lets go of an outcome after a while; the dialog keeps the last one seen
  const tracked = useTrackedOperations().find((o) => o.id === started?.id);
  const [op, setOp] = useState<TrackedOperation | undefined>();
  if (tracked && tracked !== op) setOp(tracked);
  const running = started !== null && op?.state !== 'success' && op?.state !== 'failure' && op?.state !== 'error';

  const close = () => {
    // an ended change is done with; one under way is shown again on the next opening
    if (!running) {
      setPicked(null);
      setReviewing(false);
      setStarted(null);
      setOp(undefined);
    }
    onClose();
  };

  return (
    <Dialog open={open} onClose={close} title={`Change the plan of ${service.name}`} wide>
      {started ? (
        <Progress started={started} op={op} onClose={close} />
      ) : (
        <ChooseAndReview
          service={service}
          chosen={chosen}
          onChosen={setPicked}
          reviewing={reviewing}
          onReviewing={setReviewing}
          onStarted={(id) => setStarted({ id, from: service.plan, to: chosen })}
          onClose={close}
        />
      )}
    </Dialog>
  );
}

interface ChooseProps {
  service: ServicePg;
  chosen: string;
  onChosen: (plan: string) => void;
  reviewing: boolean;
  onReviewing: (on: boolean) => void;
  onStarted: (operationId: string) => void;
  onClose: () => void;
}

function ChooseAndReview({ service, chosen, onChosen, reviewing, onReviewing, onStarted, onClose }: ChooseProps) {
  const type = useQuery(serviceTypeQuery());
  const preview = useQuery(planChangesQuery(service.name));
  const change = useChangePlan(service.name);
  const qc = useQueryClient();
  const headingId = useId();
  const plans = type.data?.plans ?? [];
  const target = plans.find((p) => p.name === chosen);
  const from = currentFigures(service, plans);
  // a preview that cannot be read leaves what the public figures say (and its error shown)
  const effects = target && chosen !== service.plan ? planEffects(from, target, preview.error ? { 'plan-changes': null } : preview.data) : null;
  const diskUse = preview.data?.['disk-use'] ?? null;
  // the chosen plan's radio (the current one at first) has focus when the picker shows: after the dialog's own
  // showModal, which focuses its first control, hence the next frame
  const checkedRadio = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (reviewing) return;
    const frame = requestAnimationFrame(() => checkedRadio.current?.focus());
    return () => cancelAnimationFrame(frame);
  }, [reviewing, type.data]);

  if (type.error) return <ChooseError error={type.error} onClose={onClose} />;
  if (!type.data) {
    return (
      <p aria-busy="true" className="flex items-center gap-2 text-sm text-zinc-500 dark:text-zinc-400">
        <Spinner /> Loading the plans offered…
      </p>
    );
  }

  if (reviewing && effects) {
    const refusal = fieldError(change.error, ['plan'])?.message ?? (change.error as Error | null)?.message;
    return (
      <Review
        headingId={headingId}
        title={`${service.plan} → ${chosen}`}
        restarts={(effects.restartFor?.length ?? 0) > 0}
        submitting={change.isPending}
        refusal={refusal}
        onBack={() => {
          change.reset();
          onReviewing(false);
        }}
        onSubmit={() =>
          change.mutate(chosen, {
            onSuccess: (op) => onStarted(op.id),
            // what the upstream says now about each plan (what the service holds moves)
            onError: () => void qc.invalidateQueries({ queryKey: serviceKeys.planChanges(service.name) }),
          })
        }
      >
        {/* once the upstream refused it, its answer says why: the preview would say it twice */}
        <PlanChangeEffects effects={refusal ? { ...effects, refused: undefined } : effects} diskUse={diskUse} labelledBy={headingId} />
      </Review>
    );
  }

  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (effects && !effects.refused) onReviewing(true);
      }}
    >
      <div className="max-h-[40vh] overflow-y-auto rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
        <PlanPicker
          id="plan-change"
          name="plan"
          plans={type.data.plans}
          value={chosen}
          onChange={onChosen}
          current={service.plan}
          inputRef={checkedRadio}
          description={`CPUs, memory and disk are per node. ${service.name} runs ${service.plan}.`}
          columns="sm:grid-cols-2"
        />
      </div>
      <ErrorText error={preview.error} />
      <section aria-labelledby={headingId} className="space-y-2">
        <h3 id={headingId} className="text-sm font-semibold">
          {effects ? `What changes with ${chosen}` : 'What changes'}
        </h3>
        {effects ? (
          <PlanChangeEffects effects={effects} diskUse={diskUse} labelledBy={headingId} />
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-300">Choose another plan to see what the change does.</p>
        )}
      </section>
      <DialogActions onCancel={onClose} submitting={false} disabled={!effects || Boolean(effects.refused)} label="Review change" busyLabel="Review change" />
    </form>
  );
}
