import Link from 'next/link';
import { PageHeading } from '@/components/ui/page-heading';

// Replaces Next.js's default 404, whose inline styles the Content-Security-Policy refuses.
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center gap-3 p-6">
      <PageHeading size="2xl">Page not found</PageHeading>
      <Link href="/services" className="text-sm text-blue-600 hover:underline dark:text-blue-400">
        Back to the services
      </Link>
    </main>
  );
}
