'use client';
// "Create read replica": a name and a plan of one node (a read replica runs
// one; the engine answers 400 naming `plan` otherwise), and what the replica
// will be. The operation goes to the tracker; the source's card lists the
// replica at once, building, then streaming.
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { QueryProvider } from '@/components/providers';
import { formatBytes } from '@/components/services/format';
import { ErrorText, FormError } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { DialogActions } from '@/components/ui/dialog-actions';
import { describedBy, Field, Input, Select, useFieldId } from '@/components/ui/field';
import { fieldError } from '@/lib/queries/api';
import { useCreateReplica } from '@/lib/queries/replica-mutations';
import { serviceTypeQuery } from '@/lib/queries/service-type';
import { serviceNameSchema } from '@/lib/schemas/common';
import type { Plan } from '@/lib/schemas/service-type';

const formSchema = z.object({ name: serviceNameSchema, plan: z.string().min(1, 'choose a plan') });
type FormValues = z.infer<typeof formSchema>;

interface Props {
  open: boolean;
  source: string;
  /** The source's plan and memory per node: the preselected plan is the source's when it has one node, else one of at least its memory. */
  sourcePlan: string;
  sourceMemory?: number;
  onClose: () => void;
}

export function CreateReplicaDialog({ open, onClose, ...rest }: Props) {
  return (
    <QueryProvider>
      <Dialog open={open} onClose={onClose} title="Create read replica">
        <CreateReplica onClose={onClose} {...rest} />
      </Dialog>
    </QueryProvider>
  );
}

function CreateReplica(props: Omit<Props, 'open'>) {
  const type = useQuery(serviceTypeQuery());
  if (type.isPending) return <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">Loading plans…</p>;
  if (!type.data) return <ErrorText error={type.error} />;
  const plans = type.data.plans.filter((p) => p['node-count'] === 1 && p.authorized !== false);
  return <CreateReplicaForm plans={plans} {...props} />;
}

/** The source's plan when it runs one node; else the smallest one-node plan with at least its memory; else the largest. */
function preselect(plans: Plan[], sourcePlan: string, memory = 0): string {
  if (plans.some((p) => p.name === sourcePlan)) return sourcePlan;
  const bySize = [...plans].sort((a, b) => a['node-memory'] - b['node-memory']);
  return (bySize.find((p) => p['node-memory'] >= memory) ?? bySize.at(-1))?.name ?? '';
}

const planLabel = (p: Plan) =>
  `${p.name}: ${p['node-cpu-count']} ${p['node-cpu-count'] === 1 ? 'CPU' : 'CPUs'}, ${formatBytes(p['node-memory'])} memory, ${formatBytes(p['disk-space'])} disk`;

function CreateReplicaForm({ plans, source, sourcePlan, sourceMemory, onClose }: Omit<Props, 'open'> & { plans: Plan[] }) {
  const create = useCreateReplica(source);
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<FormValues>({
    resolver: zodResolver(formSchema),
    defaultValues: { name: '', plan: preselect(plans, sourcePlan, sourceMemory) },
  });
  const errors = formState.errors;
  const ids = { name: useFieldId('name'), plan: useFieldId('plan'), review: useFieldId('review') };

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await create.mutateAsync(values);
      onClose();
    } catch (err) {
      const f = fieldError(err, ['plan'] as const);
      if (f) setError('plan', { message: f.message }, { shouldFocus: true });
      else setFormError((err as Error).message);
    }
  });

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-describedby={ids.review}>
      <Field id={ids.name} label="Name" error={errors.name?.message} description="A new service: lowercase letters, digits and hyphens, starting with a letter; at most 63 characters.">
        <Input {...describedBy(ids.name, errors.name?.message)} autoComplete="off" spellCheck={false} {...register('name')} />
      </Field>
      <Field id={ids.plan} label="Plan" error={errors.plan?.message} description="Plans of one node: a read replica runs one.">
        <Select {...describedBy(ids.plan, errors.plan?.message)} disabled={plans.length === 0} {...register('plan')}>
          {plans.map((p) => (
            <option key={p.name} value={p.name}>
              {planLabel(p)}
            </option>
          ))}
        </Select>
      </Field>
      {plans.length === 0 ? <FormError message="No plan of one node is open to this key: a read replica cannot be created." /> : null}
      <p id={ids.review} className="rounded-md bg-zinc-100 p-2 text-sm dark:bg-zinc-800">
        Streams from <span className="font-mono">{source}</span>; serves reads only; promote it to make it standalone.
      </p>
      <FormError message={formError} />
      <DialogActions onCancel={onClose} submitting={formState.isSubmitting} label="Create read replica" busyLabel="Creating…" disabled={plans.length === 0} />
    </form>
  );
}
