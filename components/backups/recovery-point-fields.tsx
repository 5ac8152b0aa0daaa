'use client';
// Where a fork is restored to, as radios: the source's latest state, one of
// its backups, or a second of its recoverable window (offered only where the
// upstream tells the window), typed as the console shows times, in UTC, so a
// time can be pasted from a log too. Shared by the restore dialog and the
// create form, which own the values (lib/schemas/recovery-point.ts).
import type { UseFormRegisterReturn } from 'react-hook-form';
import { formatBytes } from '@/components/services/format';
import { describedBy, Field, Input, Select, useFieldId } from '@/components/ui/field';
import { ceilSecond, offeredPoints, utcSecond, wholeSeconds, type RecoveryPoint } from '@/lib/schemas/recovery-point';
import type { ServicePg } from '@/lib/schemas/service';

const labels: Record<RecoveryPoint, string> = {
  latest: 'Its latest state',
  backup: 'A backup',
  time: 'A point in time',
};

interface Props {
  source: Pick<ServicePg, 'backups' | 'pgdeck-recovery-window'>;
  point: RecoveryPoint;
  /** The form's registrations of its recoveryPoint (a change clears the errors of the other two), recoveryBackup and recoveryTime. */
  register: Record<'point' | 'backup' | 'time', UseFormRegisterReturn>;
  errors: { backup?: string; time?: string };
}

export function RecoveryPointFields({ source, point, register, errors }: Props) {
  const id = useFieldId('restore');
  const window = source['pgdeck-recovery-window'];
  const span = window ? wholeSeconds(window) : undefined;
  return (
    <>
      <fieldset className="space-y-2">
        <legend className="mb-1 text-sm font-medium">Restore to</legend>
        {offeredPoints(source).map((p) => (
          <label key={p} htmlFor={`${id}-point-${p}`} className="flex items-center gap-2 text-sm">
            <input id={`${id}-point-${p}`} type="radio" value={p} className="h-4 w-4 accent-blue-600" {...register.point} />
            {labels[p]}
          </label>
        ))}
      </fieldset>
      {point === 'backup' ? (
        <Field id={`${id}-backup`} label="Backup" error={errors.backup} description="Restored to the second it was taken at.">
          <Select {...describedBy(`${id}-backup`, errors.backup)} {...register.backup}>
            <option value="">Choose a backup</option>
            {(source.backups ?? []).map((b) => (
              <option key={b['backup-name']} value={b['backup-time']}>
                {utcSecond(ceilSecond(b['backup-time']))} · {formatBytes(b['data-size'])}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      {point === 'time' && span ? (
        <Field
          id={`${id}-time`}
          label="Point in time (UTC)"
          error={errors.time}
          description={`Any second from ${utcSecond(span.earliest)} to ${utcSecond(span.latest)}; or with an offset, as 2026-12-02T15:02:59+01:00.`}
        >
          <Input
            {...describedBy(`${id}-time`, errors.time)}
            className="font-mono"
            autoComplete="off"
            spellCheck={false}
            placeholder={utcSecond(span.latest).slice(0, 19)}
            {...register.time}
          />
        </Field>
      ) : null}
    </>
  );
}
