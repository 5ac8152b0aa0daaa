'use client';
import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/card';
import { describedBy, Field, Input, Select } from '@/components/ui/field';
import { cloudZones } from '@/lib/api-v2/endpoints';
import { api, ConsoleError } from '@/lib/queries/api';
import { signInSchema, type SignIn } from '@/lib/schemas/session';

export function SignInForm() {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SignIn>({
    resolver: zodResolver(signInSchema),
    defaultValues: { key: '', secret: '', endpoint: { kind: 'local' } },
  });
  const { register, handleSubmit, watch, setError, formState } = form;
  const kind = watch('endpoint.kind');
  const errors = formState.errors;
  const endpointErrors = errors.endpoint as { url?: { message?: string } } | undefined;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await api('POST', '/session', values);
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
          <option value="custom">Custom URL</option>
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
      {kind === 'custom' ? (
        <Field id="url" label="API URL" error={endpointErrors?.url?.message}>
          <Input {...describedBy('url', endpointErrors?.url?.message)} placeholder="https://api.example.com/v2" {...register('endpoint.url')} />
        </Field>
      ) : null}
      <FormError message={formError} />
      <Button type="submit" className="w-full" disabled={formState.isSubmitting}>
        {formState.isSubmitting ? 'Checking the key…' : 'Sign in'}
      </Button>
    </form>
  );
}
