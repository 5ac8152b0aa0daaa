'use client';
// A migration pre-check as it runs and what it found: each problem in plain
// words with its fix, by database, notices apart, how each database would be
// copied, the raw result in a disclosure; when nothing stops it, Start.
import { useQuery } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { ErrorText } from '@/components/ui/card';
import { Spinner } from '@/components/ui/spinner';
import { CheckFindings } from '@/components/upgrade/check-findings';
import { methodPlan, readMigrationCheck } from '@/lib/migration/check-codes';
import { taskQuery } from '@/lib/queries/maintenance-mutations';
import type { SourceForm } from '@/lib/schemas/migration-form';
import { taskDone, type DbaasTask } from '@/lib/schemas/task';

interface Props {
  name: string;
  started: DbaasTask;
  method: SourceForm['method'];
  starting: boolean;
  onStart: () => void;
}

export function MigrationCheckResult({ name, started, method, starting, onStart }: Props) {
  const { data: task, error } = useQuery(taskQuery(name, started));
  if (error) return <ErrorText error={error} />;
  if (!taskDone(task)) {
    return (
      <p role="status" className="flex items-center gap-2 text-sm">
        <Spinner />
        Checking the source…
      </p>
    );
  }
  const reading = readMigrationCheck(task, method);
  const problems = reading.blockers.reduce((n, g) => n + g.findings.length, 0);
  const plan = methodPlan(task.result);
  return (
    <section aria-label="Check result" className="space-y-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
      <p role="status" className={reading.passed ? 'text-sm font-medium text-green-800 dark:text-green-300' : 'text-sm font-medium text-red-700 dark:text-red-400'}>
        {reading.passed
          ? 'The check passed: nothing stops the migration.'
          : problems > 0
            ? `The check found ${problems === 1 ? 'a problem' : `${problems} problems`} to fix before migrating.`
            : 'The check did not pass; the details say why.'}
      </p>
      {plan ? (
        <p className="text-sm">
          How each database is copied: <span className="font-medium">{plan}</span>
        </p>
      ) : null}
      <CheckFindings reading={reading} result={task.result} subject="the migration" />
      {reading.passed ? (
        <div className="flex justify-end">
          <Button onClick={onStart} disabled={starting} aria-busy={starting || undefined}>
            {starting ? 'Starting…' : 'Start the migration'}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
