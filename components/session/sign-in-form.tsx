'use client';
// Signing in. The fields are checked where the key is: the route handler
// refuses what signInSchema refuses, naming the field, and the form shows the
// refusal there. With nothing to check in the browser, the form is plain and
// read on submit, so the first page anyone opens loads neither zod nor a form
// library (bench/RESULTS.md, first-load JavaScript).
import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/card';
import { describedBy, Field, Input, Select } from '@/components/ui/field';
import { fieldError } from '@/lib/queries/api';
import { signIn } from '@/lib/queries/session';
import type { SignIn } from '@/lib/schemas/session';

type Kind = SignIn['endpoint']['kind'];
/** The body fields a refusal may name, and the input each one is. */
const inputs = { key: 'key', secret: 'secret', 'endpoint.url': 'url' } as const;
const fields = Object.keys(inputs) as (keyof typeof inputs)[];

/** `zones`: the public cloud zones; `customEndpoints`: the bases the console's operator allowed (PGDECK_ALLOWED_UPSTREAMS), none hides the choice. */
export function SignInForm({ zones, customEndpoints }: { zones: readonly string[]; customEndpoints: string[] }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [kind, setKind] = useState<Kind>('local');
  const [errors, setErrors] = useState<Partial<Record<keyof typeof inputs, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '');
    const endpoint = kind === 'zone' ? { kind, zone: text('zone') } : kind === 'custom' ? { kind, url: text('url') } : { kind };
    setErrors({});
    setFormError(null);
    setSubmitting(true);
    try {
      // shaped as signInSchema takes it; the route handler checks it
      await signIn({ key: text('key'), secret: text('secret'), endpoint } as SignIn);
      router.replace('/services');
      router.refresh();
    } catch (err) {
      setSubmitting(false);
      const named = fieldError(err, fields);
      if (!named) return setFormError((err as Error).message);
      setErrors({ [named.field]: named.message });
      (form.current?.elements.namedItem(inputs[named.field]) as HTMLElement | null)?.focus();
    }
  };

  return (
    <form ref={form} onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field id="key" label="API key" error={errors.key}>
        <Input {...describedBy('key', errors.key)} name="key" autoComplete="username" spellCheck={false} placeholder="EXO…" />
      </Field>
      <Field id="secret" label="API secret" error={errors.secret}>
        <Input {...describedBy('secret', errors.secret)} name="secret" type="password" autoComplete="current-password" />
      </Field>
      <Field id="endpoint" label="Endpoint" description="Where your services run.">
        <Select {...describedBy('endpoint')} name="kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          <option value="local">Local engine (this machine)</option>
          <option value="zone">Public cloud zone</option>
          {customEndpoints.length ? <option value="custom">Other API endpoint</option> : null}
        </Select>
      </Field>
      {kind === 'zone' ? (
        <Field id="zone" label="Zone">
          <Select {...describedBy('zone')} name="zone">
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      {kind === 'custom' && customEndpoints.length ? (
        <Field id="url" label="API URL" description="The endpoints this console's operator allows." error={errors['endpoint.url']}>
          <Select {...describedBy('url', errors['endpoint.url'])} name="url">
            {customEndpoints.map((url) => (
              <option key={url} value={url}>
                {url}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      <FormError message={formError} />
      <Button type="submit" className="w-full" disabled={submitting}>
        {submitting ? 'Checking the key…' : 'Sign in'}
      </Button>
    </form>
  );
}
