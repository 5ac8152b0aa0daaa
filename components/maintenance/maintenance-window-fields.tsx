// The maintenance window's two fields, day and time (UTC), as the settings form
// and the maintenance card's dialog both hold them (maintenanceSchema).
import type { UseFormRegisterReturn } from 'react-hook-form';
import { dayLabel } from '@/components/services/format';
import { describedBy, Field, Input, Select, useFieldId } from '@/components/ui/field';
import type { Maintenance } from '@/lib/schemas/common';
import { maintenanceDows } from '@/lib/schemas/service-constants';
import type { ServicePg } from '@/lib/schemas/service';

/** The window a service has, as the fields hold it (a day the console does not know reads as never). */
export function windowOf(s: Pick<ServicePg, 'maintenance'>): Maintenance {
  return { dow: maintenanceDows.find((d) => d === s.maintenance?.dow) ?? 'never', time: s.maintenance?.time ?? '00:00:00' };
}

/** The days a window can be on, as a select's options. */
export function DayOptions() {
  return maintenanceDows.map((d) => (
    <option key={d} value={d}>
      {dayLabel(d)}
    </option>
  ));
}

interface Props {
  register: { dow: UseFormRegisterReturn; time: UseFormRegisterReturn };
  errors: { dow?: string; time?: string };
}

export function MaintenanceWindowFields({ register, errors }: Props) {
  const ids = { dow: useFieldId('maintenance-dow'), time: useFieldId('maintenance-time') };
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Maintenance window</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id={ids.dow} label="Day" error={errors.dow} description="Never: updates wait until applied by hand.">
          <Select {...describedBy(ids.dow, errors.dow)} {...register.dow}>
            <DayOptions />
          </Select>
        </Field>
        <Field id={ids.time} label="Time (UTC)" error={errors.time} description="HH:MM:SS, in UTC.">
          <Input {...describedBy(ids.time, errors.time)} inputMode="numeric" placeholder="04:00:00" autoComplete="off" spellCheck={false} {...register.time} />
        </Field>
      </div>
    </fieldset>
  );
}
