// The source of a migration: where it is, how to connect (TLS and its
// certificate check), who as, which databases to skip and the method. The
// "Migrate data in" wizard and the create form both hold these (SourceForm).
import type { UseFormRegisterReturn } from 'react-hook-form';
import { describedBy, Field, Input, Select, useFieldId } from '@/components/ui/field';
import { Switch } from '@/components/ui/switch';
import type { SourceForm } from '@/lib/schemas/migration-form';

type Name = keyof SourceForm;

interface Props {
  register: Record<Name, UseFormRegisterReturn>;
  errors: Partial<Record<Name, string>>;
  /** Whether TLS is on (the certificate check shows only then). */
  ssl: boolean;
  disabled?: boolean;
}

const text = { autoComplete: 'off', spellCheck: false, autoCapitalize: 'off' } as const;

export function MigrationSourceFields({ register, errors, ssl, disabled = false }: Props) {
  const prefix = useFieldId('source');
  const id = (name: Name) => `${prefix}-${name}`;
  const field = (name: Name) => ({ ...describedBy(id(name), errors[name]), disabled });
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-[3fr_1fr]">
        <Field id={id('host')} label="Source host" error={errors.host} description="The host name or IP address of the server to copy from.">
          <Input {...field('host')} {...text} placeholder="db.example.com" {...register.host} />
        </Field>
        <Field id={id('port')} label="Port" error={errors.port}>
          <Input {...field('port')} {...text} inputMode="numeric" {...register.port} />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={id('username')} label="Source user" error={errors.username} description="Leave empty for postgres.">
          <Input {...field('username')} {...text} placeholder="postgres" {...register.username} />
        </Field>
        <Field id={id('password')} label="Source password" error={errors.password} description="Used for this migration only, and never shown again.">
          <Input {...field('password')} type="password" autoComplete="new-password" {...register.password} />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={id('dbname')} label="Database to connect to" error={errors.dbname} description="Any database of the source; leave empty for postgres.">
          <Input {...field('dbname')} {...text} placeholder="postgres" {...register.dbname} />
        </Field>
        <Field
          id={id('ignoreDbs')}
          label="Databases to skip"
          error={errors.ignoreDbs}
          description="Comma-separated. Every other database is copied, but the system ones."
        >
          <Input {...field('ignoreDbs')} {...text} placeholder="scratch, old_reports" {...register.ignoreDbs} />
        </Field>
      </div>
      <Switch {...register.ssl} disabled={disabled} label="Use TLS" description="Encrypt the connection to the source. Turn it off only on a private network." />
      {ssl ? (
        <Field id={id('sslMode')} label="Certificate check" error={errors.sslMode}>
          <Select {...field('sslMode')} {...register.sslMode}>
            <option value="verify-full">Verify the certificate and the host name</option>
            <option value="verify-ca">Verify the certificate only</option>
            <option value="require">Encrypt without verifying</option>
          </Select>
        </Field>
      ) : null}
      <Field
        id={id('method')}
        label="Method"
        error={errors.method}
        description="Replication keeps this service in sync with the source until you cut over; a dump copies once."
      >
        <Select {...field('method')} {...register.method}>
          <option value="">Automatic: replication where the source allows it, dump otherwise</option>
          <option value="replication">Replication: copy, then keep in sync until the cut-over</option>
          <option value="dump">Dump: a one-time copy</option>
        </Select>
      </Field>
    </div>
  );
}

/** Each field of a form's source registered, `at` the path the form holds it at ('' or 'source.'). */
export function registerSource<P extends string>(register: (name: `${P}${Name}`) => UseFormRegisterReturn, at: P): Record<Name, UseFormRegisterReturn> {
  const names: Name[] = ['host', 'port', 'ssl', 'sslMode', 'username', 'password', 'dbname', 'ignoreDbs', 'method'];
  return Object.fromEntries(names.map((n) => [n, register(`${at}${n}`)])) as Record<Name, UseFormRegisterReturn>;
}
