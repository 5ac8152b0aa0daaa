import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/session/sign-in-form';
import { PageHeading } from '@/components/ui/page-heading';
import { cloudZones } from '@/lib/api-v2/endpoints';
import { allowedUpstreams } from '@/lib/server/endpoints';
import { getSession, isSignedIn } from '@/lib/server/session';

export default async function SignInPage() {
  if (isSignedIn(await getSession())) redirect('/services');
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center gap-6 p-6">
      <div>
        <PageHeading size="2xl">Sign in to pgdeck</PageHeading>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Use your own API key. The secret stays on the console&apos;s server, in an encrypted cookie.
        </p>
      </div>
      <SignInForm zones={cloudZones} customEndpoints={allowedUpstreams()} />
    </main>
  );
}
