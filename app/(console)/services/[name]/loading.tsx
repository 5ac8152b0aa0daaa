import { LoadingServiceHeading } from '@/components/services/loading-service-heading';

const block = 'animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-900';

export default function Loading() {
  return (
    <div aria-busy="true" aria-label="Loading the service" className="space-y-4">
      <LoadingServiceHeading />
      <div className={`h-9 w-80 ${block}`} />
      <div className="grid gap-4 lg:grid-cols-2">
        <div className={`h-64 ${block}`} />
        <div className={`h-64 ${block}`} />
      </div>
      <div className={`h-48 ${block}`} />
    </div>
  );
}
