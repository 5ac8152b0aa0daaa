import { Button } from './button';

/** A dialog form's footer: Cancel, and the submit button that says when it is working (`disabled` while there is nothing to send). */
export function DialogActions({ onCancel, submitting, label, busyLabel, danger = false, disabled = false }: { onCancel: () => void; submitting: boolean; label: string; busyLabel: string; danger?: boolean; disabled?: boolean }) {
  return (
    <div className="flex justify-end gap-2">
      <Button variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" variant={danger ? 'danger' : 'primary'} disabled={submitting || disabled}>
        {submitting ? busyLabel : label}
      </Button>
    </div>
  );
}
