export default function Loading() {
  return <div aria-busy="true" className="h-40 animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-900" />;
}
