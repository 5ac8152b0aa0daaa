'use client';
// The name typed out before what cannot be taken back lightly: deleting a service, upgrading its major.
import { Field, Input, useFieldId } from './field';

export function TypedNameField({ name, value, onChange, autoFocus }: { name: string; value: string; onChange: (value: string) => void; autoFocus?: boolean }) {
  const id = useFieldId('confirm-name');
  return (
    <Field id={id} label={`Type ${name} to confirm`}>
      <Input id={id} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" spellCheck={false} autoCapitalize="off" autoFocus={autoFocus} />
    </Field>
  );
}
