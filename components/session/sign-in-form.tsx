'use client';
import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/card';
import { describedBy, Field, Input, Select } from '@/components/ui/field';
import { cloudZones } from '@/lib/api-v2/endpoints';
import type { ConsoleError } from '@/lib/queries/api';
import { signIn } from '@/lib/queries/session';
import { signInSchema, type SignIn } from '@/lib/schemas/session';

/** `customEndpoints`: the bases the console's operator allowed (PGDECK_ALLOWED_UPSTREAMS); none hides the choice. */
export function SignInForm({ customEndpoints }: { customEndpoints: string[] }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SignIn>({
    resolver: zodResolver(signInSchema),
    defaultValues: { key: '', secret: '', endpoint: { kind: 'local' } },
    // the endpoint's fields of another kind (zone, url) leave the values when they leave the form
    shouldUnregister: true,
  });
  const { register, handleSubmit, watch, setError, formState } = form;
  const kind = watch('endpoint.kind');
  const errors = formState.errors;
  const endpointErrors = errors.endpoint as { url?: { message?: string } } | undefined;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await signIn(values);
      router.replace('/services');
      router.refresh();
    } catch (err) {
      const e = err as ConsoleError;
      if (e.field === 'key' || e.field === 'secret') setError(e.field, { message: e.message });
      else setFormError(e.message);
    }
  });

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field id="key" label="API key" error={errors.key?.message}>
        <Input {...describedBy('key', errors.key?.message)} autoComplete="username" spellCheck={false} placeholder="EXO…" {...register('key')} />
      </Field>
      <Field id="secret" label="API secret" error={errors.secret?.message}>
        <Input {...describedBy('secret', errors.secret?.message)} type="password" autoComplete="current-password" {...register('secret')} />
      </Field>
      <Field id="endpoint" label="Endpoint" description="Where your services run.">
        <Select {...describedBy('endpoint')} {...register('endpoint.kind')}>
          <option value="local">Local engine (this machine)</option>
          <option value="zone">Public cloud zone</option>
          {customEndpoints.length ? <option value="custom">Other API endpoint</option> : null}
        </Select>
      </Field>
      {kind === 'zone' ? (
        <Field id="zone" label="Zone">
          <Select {...describedBy('zone')} {...register('endpoint.zone')}>
            {cloudZones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      {kind === 'custom' && customEndpoints.length ? (
        <Field id="url" label="API URL" description="The endpoints this console's operator allows." error={endpointErrors?.url?.message}>
          <Select {...describedBy('url', endpointErrors?.url?.message)} {...register('endpoint.url')}>
            {customEndpoints.map((url) => (
              <option key={url} value={url}>
                {url}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      <FormError message={formError} />
      <Button type="submit" className="w-full" disabled={formState.isSubmitting}>
        {formState.isSubmitting ? 'Checking the key…' : 'Sign in'}
      </Button>
    </form>
  );
}
