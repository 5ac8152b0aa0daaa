import Link from 'next/link';

// Replaces Next.js's default 404, whose inline styles the Content-Security-Policy refuses.
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center gap-3 p-6">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <Link href="/services" className="text-sm text-blue-600 hover:underline dark:text-blue-400">
        Back to the services
      </Link>
    </main>
  );
}
