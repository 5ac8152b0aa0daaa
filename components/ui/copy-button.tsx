'use client';
import { useState } from 'react';
import { Button } from './button';

/**
 * `value` may be a function, for what is fetched only when copied (a password).
 * `ariaLabel` names what is copied ("Copy password of alice") where the visible label is just "Copy".
 */
export function CopyButton({ value, label = 'Copy', ariaLabel }: { value: string | (() => Promise<string>); label?: string; ariaLabel?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant="secondary"
      aria-label={ariaLabel ?? label}
      onClick={async () => {
        await navigator.clipboard.writeText(typeof value === 'string' ? value : await value());
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? 'Copied' : label}
    </Button>
  );
}
