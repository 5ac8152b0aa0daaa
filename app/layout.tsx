import type { Metadata } from 'next';
import { connection } from 'next/server';
import { Suspense, type ReactNode } from 'react';
import { FocusOnNavigation } from '@/components/shell/focus-on-navigation';
import './globals.css';

export const metadata: Metadata = {
  title: 'pgdeck',
  description: 'PostgreSQL services: create, connect, manage databases and users',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, so Next.js puts that request's CSP nonce (proxy.ts) on its scripts.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen antialiased">
        {children}
        <Suspense fallback={null}>
          <FocusOnNavigation />
        </Suspense>
      </body>
    </html>
  );
}
