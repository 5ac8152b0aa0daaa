// TanStack Query keys, one factory per domain; mutations invalidate through them.
export const serviceKeys = {
  all: ['services'] as const,
  list: () => [...serviceKeys.all, 'list'] as const,
  detail: (name: string) => [...serviceKeys.all, 'detail', name] as const,
  task: (name: string, id: string) => [...serviceKeys.all, 'task', name, id] as const,
  migration: (name: string) => [...serviceKeys.all, 'migration', name] as const,
  planChanges: (name: string) => [...serviceKeys.all, 'plan-changes', name] as const,
  // under the service's detail: whatever changes the service (a user created, a grant) refreshes them too
  access: (name: string) => [...serviceKeys.detail(name), 'access'] as const,
  activity: (name: string, filters: unknown) => [...serviceKeys.detail(name), 'activity', filters] as const,
  settingsHistory: (name: string) => [...serviceKeys.detail(name), 'settings-history'] as const,
};

export const serviceTypeKeys = {
  pg: () => ['service-types', 'pg'] as const,
};

export const settingsKeys = {
  pg: () => ['settings', 'pg'] as const,
};
