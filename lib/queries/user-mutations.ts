// Mutations of a service's users. Passwords are revealed through useRevealedPassword (./passwords).
import { useMutation } from '@tanstack/react-query';
import type { Operation } from '@/lib/schemas/operation';
import type { CreateUser } from '@/lib/schemas/user';
import { api, isOperation } from './api';
import { serviceKeys } from './keys';
import { useOperationTracker } from './operations';
import { passwordChanged, userPath } from './passwords';

export function useCreateUser(service: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (body: CreateUser) => api<Operation>('POST', `/services/${service}/users`, body),
    onSuccess: (op, body) => track(op, `Create user ${body.username}`, [serviceKeys.detail(service)]),
  });
}

export function useDeleteUser(service: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (username: string) => api<Operation>('DELETE', userPath(service, username)),
    onSuccess: (op, username) => track(op, `Delete user ${username}`, [serviceKeys.detail(service)]),
  });
}

export function useResetPassword(service: string, username: string) {
  const { track } = useOperationTracker();
  return useMutation({
    mutationFn: (password?: string) => api<Operation>('PUT', `${userPath(service, username)}/password`, password ? { password } : {}),
    // a typed password must not linger in the mutation cache
    gcTime: 0,
    // a password shown somewhere is fetched again: the old one is no longer valid
    onSuccess: (op) => track(op, `Reset password of ${username}`, [serviceKeys.detail(service)], () => passwordChanged(service, username)),
  });
}

export function useSetReplication(service: string) {
  const { track, fail } = useOperationTracker();
  return useMutation({
    mutationFn: ({ username, allow }: { username: string; allow: boolean }) =>
      api<unknown>('PUT', `${userPath(service, username)}/replication`, { 'allow-replication': allow }),
    onSuccess: (res, { username, allow }) => {
      const label = `${allow ? 'Allow' : 'Forbid'} replication for ${username}`;
      // The API answers this one with the users' rights, not an operation: the
      // change is done, so it is shown as a finished one.
      const op: Operation = isOperation(res) ? res : { id: `replication-${username}-${Date.now()}`, state: 'success' };
      track(op, label, [serviceKeys.detail(service)]);
    },
    onError: (err, { username, allow }) => fail(`${allow ? 'Allow' : 'Forbid'} replication for ${username}`, err),
  });
}
