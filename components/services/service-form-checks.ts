// The create form's checks, imported by its resolver on the first check of a
// typed value, so the page opens without zod: the shared schema, and a fork's
// typed time against the window of its source as last read (its query keeps it current).
import { zodResolver } from '@hookform/resolvers/zod';
import type { QueryClient } from '@tanstack/react-query';
import type { Resolver } from 'react-hook-form';
import { serviceKeys } from '@/lib/queries/keys';
import type { ServicePg } from '@/lib/schemas/service';
import { forkFormSchema, type ServiceForm } from '@/lib/schemas/service-form';

export const forkResolver =
  (qc: QueryClient): Resolver<ServiceForm> =>
  (values, context, options) => {
    const source = values.forkFrom ? qc.getQueryData<ServicePg>(serviceKeys.detail(values.forkFrom)) : undefined;
    return zodResolver(forkFormSchema(source?.['pgdeck-recovery-window']))(values, context, options);
  };
