// Query options for the settings schema. It changes only when the upstream's
// binaries do, so it is kept for long.
import { queryOptions } from '@tanstack/react-query';
import { settingsDocumentSchema } from '@/lib/schemas/settings';
import { api } from './api';
import { settingsKeys } from './keys';

export const settingsSchemaQuery = () =>
  queryOptions({
    queryKey: settingsKeys.pg(),
    queryFn: async () => settingsDocumentSchema.parse(await api<unknown>('GET', '/settings/pg')),
    staleTime: 60 * 60_000,
  });
