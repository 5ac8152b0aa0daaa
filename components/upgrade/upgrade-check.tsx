'use client';
// An upgrade check as it runs and what it found: blockers by database with how
// to fix each, notices apart, the raw result in a disclosure; when it passed,
// the upgrade itself behind the service's name typed out.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorText } from '@/components/ui/card';
import { Spinner } from '@/components/ui/spinner';
import { TypedNameField } from '@/components/ui/typed-name-field';
import { taskQuery, useUpgradeService } from '@/lib/queries/maintenance-mutations';
import { taskDone, type DbaasTask } from '@/lib/schemas/task';
import { readCheck } from '@/lib/upgrade/findings';
import { CheckFindings } from './check-findings';

interface Props {
  name: string;
  started: DbaasTask;
  to: string;
  onStarted: (operationId: string, to: string) => void;
  onClose: () => void;
}

export function UpgradeCheck({ name, started, to, onStarted, onClose }: Props) {
  const { data: task, error } = useQuery(taskQuery(name, started));
  if (error) return <Footer onClose={onClose} label="Close"><ErrorText error={error} /></Footer>;
  if (!taskDone(task)) {
    return (
      <Footer onClose={onClose} label="Cancel">
        <p role="status" className="flex items-center gap-2 text-sm">
          <Spinner />
          Checking the upgrade to PostgreSQL {to}…
        </p>
      </Footer>
    );
  }
  const reading = readCheck(task);
  const blockers = reading.blockers.reduce((n, g) => n + g.findings.length, 0);
  return (
    <div className="space-y-4">
      <p role="status" className={reading.passed ? 'text-sm font-medium text-green-800 dark:text-green-300' : 'text-sm font-medium text-red-700 dark:text-red-400'}>
        {reading.passed
          ? `The check passed: nothing blocks the upgrade to PostgreSQL ${to}.`
          : blockers > 0
            ? `The check found ${blockers === 1 ? 'a problem' : `${blockers} problems`} to fix before upgrading to PostgreSQL ${to}.`
            : `The check did not pass; the details say why.`}
      </p>
      <CheckFindings reading={reading} result={task.result} />
      {reading.passed ? <Confirm name={name} to={to} onStarted={onStarted} onClose={onClose} /> : <Footer onClose={onClose} label="Close" />}
    </div>
  );
}

function Footer({ onClose, label, children }: { onClose: () => void; label: string; children?: ReactNode }) {
  return (
    <div className="space-y-4">
      {children}
      <div className="flex justify-end">
        <Button variant="secondary" onClick={onClose}>
          {label}
        </Button>
      </div>
    </div>
  );
}

function Confirm({ name, to, onStarted, onClose }: Omit<Props, 'started'>) {
  const upgrade = useUpgradeService(name);
  const [typed, setTyped] = useState('');
  const matches = typed === name;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!matches || upgrade.isPending) return;
    upgrade.mutate(to, { onSuccess: (op) => onStarted(op.id, to) });
  };
  return (
    <form onSubmit={onSubmit} className="space-y-4 border-t border-zinc-200 pt-4 dark:border-zinc-800" noValidate>
      <p className="text-sm text-zinc-600 dark:text-zinc-300">
        The upgrade takes a backup, upgrades a copy of the data and switches over to it: writes are refused for a few seconds at
        the switch. If any step fails, the service goes on running its current version.
      </p>
      <TypedNameField name={name} value={typed} onChange={setTyped} />
      <ErrorText error={upgrade.error} />
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" disabled={!matches || upgrade.isPending} aria-busy={upgrade.isPending || undefined}>
          {upgrade.isPending ? 'Starting the upgrade…' : `Upgrade to PostgreSQL ${to}`}
        </Button>
      </div>
    </form>
  );
}
