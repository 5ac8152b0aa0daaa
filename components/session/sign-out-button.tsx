'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { api } from '@/lib/queries/api';

export function SignOutButton() {
  const router = useRouter();
  const qc = useQueryClient();
  return (
    <Button
      variant="ghost"
      onClick={async () => {
        await api('DELETE', '/session');
        qc.clear();
        router.replace('/sign-in');
        router.refresh();
      }}
    >
      Sign out
    </Button>
  );
}
