// A service's settings history (the upstream's /v2/pgdeck extension): the first page through the query cache, under
// the service's detail so that a change of the service refreshes it; older pages by their cursor.
import { queryOptions } from '@tanstack/react-query';
import type { SettingsHistory } from '@/lib/schemas/activity';
import { api } from './api';
import { serviceKeys } from './keys';

export const readSettingsHistory = (name: string, before?: number) =>
  api<SettingsHistory>('POST', `/services/${encodeURIComponent(name)}/settings-history`, before === undefined ? {} : { before });

export const settingsHistoryQuery = (name: string) =>
  queryOptions({
    queryKey: serviceKeys.settingsHistory(name),
    queryFn: () => readSettingsHistory(name),
  });
