import { cn } from './cn';

const tones = {
  green: 'bg-green-100 text-green-800 dark:bg-green-900/40 dark:text-green-300',
  amber: 'bg-amber-100 text-amber-800 dark:bg-amber-900/40 dark:text-amber-300',
  red: 'bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-300',
  zinc: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
} as const;

export function Badge({ tone = 'zinc', children }: { tone?: keyof typeof tones; children: React.ReactNode }) {
  return <span className={cn('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium', tones[tone])}>{children}</span>;
}

/** `labelled` adds a hidden "State:" for places where nothing else says what the badge is. */
export function StateBadge({ state, labelled = false }: { state?: string; labelled?: boolean }) {
  const tone = state === 'running' ? 'green' : state === 'rebuilding' || state === 'rebalancing' ? 'amber' : state ? 'red' : 'zinc';
  return (
    <Badge tone={tone}>
      {labelled ? <span className="sr-only">State: </span> : null}
      {state ?? 'unknown'}
    </Badge>
  );
}
