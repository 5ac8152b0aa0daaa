'use client';
// A yes/no question on top of Dialog. The confirm action is awaited: the
// dialog closes when it succeeds and shows the error when it fails.
import { useState, type ReactNode } from 'react';
import { Button } from './button';
import { ErrorText } from './card';
import { Dialog } from './dialog';

interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  /** What will happen, in a sentence or two. */
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  danger?: boolean;
  /** The confirm action waits (for what the dialog must show first). */
  disabled?: boolean;
  wide?: boolean;
}

export function ConfirmDialog({ open, onClose, title, wide, ...rest }: ConfirmDialogProps) {
  return (
    <Dialog open={open} onClose={onClose} title={title} wide={wide}>
      <ConfirmBody onClose={onClose} {...rest} />
    </Dialog>
  );
}

function ConfirmBody({ onClose, children, confirmLabel, onConfirm, danger = true, disabled = false }: Omit<ConfirmDialogProps, 'open' | 'title' | 'wide'>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err);
      setPending(false);
    }
  };
  return (
    <>
      <div className="text-sm text-zinc-600 dark:text-zinc-300">{children}</div>
      <ErrorText error={error} />
      {/* Cancel comes first, so it is what the dialog focuses when it opens. */}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button variant={danger ? 'danger' : 'primary'} onClick={confirm} disabled={pending || disabled} aria-busy={pending || undefined}>
          {pending ? 'Working…' : confirmLabel}
        </Button>
      </div>
    </>
  );
}
