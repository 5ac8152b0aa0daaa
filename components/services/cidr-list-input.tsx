'use client';
// The IP allow-list as one CIDR per line. The form's schema checks each entry
// as it is typed; this shows what will be sent, in canonical form.
import type { Ref } from 'react';
import { Field, Textarea, describedBy } from '@/components/ui/field';
import { cidrEntries, parseCidr } from '@/lib/schemas/cidr';

interface CidrListInputProps {
  id: string;
  name: string;
  value: string;
  onChange: (text: string) => void;
  onBlur?: () => void;
  error?: string;
  inputRef?: Ref<HTMLTextAreaElement>;
}

function Summary({ text }: { text: string }) {
  const entries = cidrEntries(text);
  if (entries.length === 0) return <>Empty: connections are allowed from any address (0.0.0.0/0 and ::/0).</>;
  const cidrs = entries.map((e) => parseCidr(e.text)).flatMap((r) => (r.ok ? [r.cidr] : []));
  return (
    <>
      Allows {cidrs.length} {cidrs.length === 1 ? 'block' : 'blocks'}:{' '}
      <span className="font-mono">{cidrs.join(', ')}</span>. A single address means just that address (/32 or /128).
    </>
  );
}

export function CidrListInput({ id, name, value, onChange, onBlur, error, inputRef }: CidrListInputProps) {
  return (
    <Field id={id} label="Allowed addresses (CIDR, one per line)" error={error} description={<Summary text={value} />}>
      <Textarea
        {...describedBy(id, error)}
        ref={inputRef}
        name={name}
        rows={4}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        placeholder={'203.0.113.0/24\n2001:db8::/32'}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
    </Field>
  );
}
