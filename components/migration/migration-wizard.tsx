'use client';
// "Migrate data in": the source (where, TLS, who, what to skip, the method),
// "Check" running the pre-check and listing each problem in plain words with
// its fix, then Start; then the migration as it goes (migration-progress.tsx).
// A migration already under way is shown as it goes. The operation started is
// kept above the dialog, so closing and opening it again follows it still;
// the form, its password with it, is gone once closed or started.
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { QueryProvider } from '@/components/providers';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { isLive } from '@/lib/migration/status';
import { ConsoleError } from '@/lib/queries/api';
import { migrationQuery, useStartMigration, useStartMigrationCheck } from '@/lib/queries/migration';
import { blankSourceForm } from '@/lib/schemas/form-defaults';
import { filledSourceFormSchema, sourceFieldFor, toMigration, toMigrationCheck, type SourceForm } from '@/lib/schemas/migration-form';
import type { DbaasTask } from '@/lib/schemas/task';
import { MigrationCheckResult } from './migration-check-result';
import { MigrationProgress } from './migration-progress';
import { MigrationSourceFields, registerSource } from './source-fields';

interface Props {
  open: boolean;
  name: string;
  onClose: () => void;
}

export default function MigrationWizard(props: Props) {
  return (
    <QueryProvider>
      <Wizard {...props} />
    </QueryProvider>
  );
}

function Wizard({ open, name, onClose }: Props) {
  const [started, setStarted] = useState<string | null>(null);
  const { data: current, isPending } = useQuery({ ...migrationQuery(name), enabled: open && started === null });
  const following = started !== null || isLive(current?.status);
  return (
    <Dialog open={open} onClose={onClose} title={`Migrate data into ${name}`} wide>
      {following ? (
        <MigrationProgress name={name} operationId={started} onClose={onClose} />
      ) : isPending ? (
        <p aria-busy="true" className="text-sm text-zinc-500 dark:text-zinc-400">
          Loading…
        </p>
      ) : (
        <SourceStep name={name} onStarted={setStarted} onClose={onClose} />
      )}
    </Dialog>
  );
}

interface Check {
  task: DbaasTask;
  method: SourceForm['method'];
}

function SourceStep({ name, onStarted, onClose }: { name: string; onStarted: (operationId: string) => void; onClose: () => void }) {
  const startCheck = useStartMigrationCheck(name);
  const start = useStartMigration(name);
  const [check, setCheck] = useState<Check | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SourceForm>({ resolver: zodResolver(filledSourceFormSchema), defaultValues: blankSourceForm(), mode: 'onTouched' });
  const { register, control, handleSubmit, setError, formState } = form;
  const ssl = useWatch({ control, name: 'ssl' });
  const errors = Object.fromEntries(Object.entries(formState.errors).map(([k, v]) => [k, v?.message])) as Partial<Record<keyof SourceForm, string>>;

  const refused = (err: unknown) => {
    const field = err instanceof ConsoleError ? sourceFieldFor(err.field) : undefined;
    if (field) setError(field, { message: (err as Error).message.replace(/^[\w.-]+: /, '') }, { shouldFocus: true });
    else setFormError((err as Error).message);
  };
  // a check answered after the values changed is not theirs
  const edits = useRef(0);
  const changed = () => {
    edits.current++;
    setCheck(null);
  };
  const runCheck = handleSubmit(async (values) => {
    setFormError(null);
    setCheck(null);
    const at = edits.current;
    try {
      const task = await startCheck.mutateAsync(toMigrationCheck(values));
      if (edits.current === at) setCheck({ task, method: values.method });
    } catch (err) {
      refused(err);
    }
  });
  const startMigration = handleSubmit(async (values) => {
    setFormError(null);
    try {
      const op = await start.mutateAsync(toMigration(values));
      // the password goes with the form: the service keeps it for this migration only
      form.reset(blankSourceForm());
      onStarted(op.id);
    } catch (err) {
      refused(err);
    }
  });
  const busy = formState.isSubmitting;

  return (
    // any change makes the check's result a result of other values
    <form onSubmit={runCheck} onChange={changed} noValidate className="space-y-4">
      <p className="text-sm text-zinc-600 dark:text-zinc-300">
        Copy the databases of an existing PostgreSQL server into {name}: once by dump, or by logical replication that keeps {name} in
        sync until you cut over. Check the source first: each problem is listed with how to fix it.
      </p>
      <MigrationSourceFields register={registerSource(register, '')} errors={errors} ssl={ssl} disabled={busy} />
      <FormError message={formError} />
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant={check ? 'secondary' : 'primary'} disabled={busy} aria-busy={startCheck.isPending || undefined}>
          {startCheck.isPending ? 'Starting the check…' : check ? 'Check again' : 'Check'}
        </Button>
      </div>
      {check ? (
        <MigrationCheckResult
          key={check.task.id}
          name={name}
          started={check.task}
          method={check.method}
          starting={start.isPending}
          onStart={() => void startMigration()}
        />
      ) : null}
    </form>
  );
}
