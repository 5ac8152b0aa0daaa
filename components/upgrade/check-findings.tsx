// What an upgrade check found (lib/upgrade/findings.ts): blockers by database,
// each in plain words with how to fix it and its own lines of the result;
// notices apart; the whole result as the check wrote it, in a disclosure.
import type { CheckReading, Finding } from '@/lib/upgrade/findings';

/** `subject` is what the blockers stop: "the upgrade", "the migration". */
export function CheckFindings({ reading, result, subject = 'the upgrade' }: { reading: CheckReading; result: string; subject?: string }) {
  return (
    <div className="space-y-4">
      {reading.blockers.map((group) => (
        <section key={group.dbname ?? ''} aria-label={group.dbname === undefined ? 'Blockers in the service' : `Blockers in database ${group.dbname}`}>
          <h3 className="mb-1 text-sm font-semibold">
            {group.dbname === undefined ? (
              'The service'
            ) : (
              <>
                Database <span className="font-mono">{group.dbname}</span>
              </>
            )}
          </h3>
          <ul className="space-y-2">
            {group.findings.map((f) => (
              <FindingItem key={f.code} finding={f} tone="blocker" />
            ))}
          </ul>
        </section>
      ))}
      {reading.notices.length > 0 ? (
        <section aria-label="Notices">
          <h3 className="mb-1 text-sm font-semibold">Notices (they do not stop {subject})</h3>
          <ul className="space-y-2">
            {reading.notices.map((f) => (
              <FindingItem key={`${f.code}-${f.dbname ?? ''}`} finding={f} tone="notice" />
            ))}
          </ul>
        </section>
      ) : null}
      {result.trim() ? (
        <details className="text-sm">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-300">Details: the check’s result</summary>
          <pre className="mt-2 max-h-60 overflow-auto rounded-md bg-zinc-100 p-2 font-mono text-xs break-words whitespace-pre-wrap dark:bg-zinc-800">{result}</pre>
        </details>
      ) : null}
    </div>
  );
}

function FindingItem({ finding: f, tone }: { finding: Finding; tone: 'blocker' | 'notice' }) {
  const border = tone === 'blocker' ? 'border-red-300 dark:border-red-900' : 'border-amber-300 dark:border-amber-900';
  return (
    <li className={`rounded-md border-l-4 ${border} bg-zinc-50 p-2 text-sm dark:bg-zinc-800/50`}>
      <p className="font-medium">
        {f.known ? (
          f.title
        ) : (
          <>
            <code className="font-mono">{f.code}</code>
            {f.dbname ? (
              <>
                {' '}in database <span className="font-mono">{f.dbname}</span>
              </>
            ) : null}
          </>
        )}
      </p>
      {f.known ? null : <p className="text-xs text-zinc-600 dark:text-zinc-400">A finding this console does not know: the check’s result below says what it is.</p>}
      {f.details.length > 0 ? (
        <ul className="mt-1 list-disc pl-5 font-mono text-xs break-words text-zinc-700 dark:text-zinc-300">
          {f.details.map((d, i) => (
            <li key={i}>{d}</li>
          ))}
        </ul>
      ) : null}
      {f.fix ? <p className="mt-1 text-zinc-700 dark:text-zinc-300">To fix: {f.fix}</p> : null}
    </li>
  );
}
