'use client';
// What the browser knows of the session: the key id, the endpoint and the key's rights. Never the secret.
import { createContext, useContext, type ReactNode } from 'react';
import type { Right, SessionInfo } from '@/lib/schemas/session';

const Ctx = createContext<SessionInfo | null>(null);

export function SessionProvider({ session, children }: { session: SessionInfo; children: ReactNode }) {
  return <Ctx.Provider value={session}>{children}</Ctx.Provider>;
}

export function useSession(): SessionInfo {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function useCan(right: Right): boolean {
  return useSession().rights.includes(right);
}
