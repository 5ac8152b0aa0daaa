'use client';
// After a user is created or its password reset: say so, and let the new password be revealed right there.
import { useEffect, useRef, type ReactNode } from 'react';
import { useCan } from '@/components/session/session-context';
import { Button } from '@/components/ui/button';
import { PasswordCell } from './password-cell';

/** `note`: more to say below (the access given with a new user). */
export function PasswordDone({ name, username, onClose, children, note }: { name: string; username: string; onClose: () => void; children: ReactNode; note?: ReactNode }) {
  const canReveal = useCan('reveal');
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="space-y-4">
      <p ref={ref} tabIndex={-1} role="status" className="text-sm outline-none">
        {children}
        {canReveal ? ' Reveal it to hand it to its clients.' : null}
      </p>
      {note}
      {canReveal ? <PasswordCell name={name} username={username} /> : null}
      <div className="flex justify-end">
        <Button onClick={onClose}>Done</Button>
      </div>
    </div>
  );
}
