// What a settings save does and did, in a sentence beside the save bar:
// "Applying 3 settings; PostgreSQL restarts (shared_buffers)…", then
// "Applied 3 settings; PostgreSQL restarted (shared_buffers)". What restarted
// is taken from the upstream's answer where it tells it (this engine's
// operation message), else from the schema's restart marks.
import type { Operation } from '@/lib/schemas/operation';
import type { SettingField } from './fields';

/** The PostgreSQL parameter a field sets: the memory fields set shared_buffers and work_mem. */
export function parameterOf(field: Pick<SettingField, 'path' | 'name'>): string {
  if (field.path[0] === 'shared-buffers-percentage') return 'shared_buffers';
  if (field.path[0] === 'work-mem') return 'work_mem';
  return field.name;
}

/** The parameters the answer says PostgreSQL restarted for ([] for none), or undefined when it does not say. */
export function restartsTold(op: Pick<Operation, 'message'>): string[] | undefined {
  const message = op.message ?? '';
  const restarted = /restarted PostgreSQL to apply ([^;]+)/.exec(message);
  if (restarted?.[1]) return restarted[1].split(',').map((p) => p.trim()).filter(Boolean);
  return /nothing restarted/.test(message) ? [] : undefined;
}

const settings = (count: number) => (count === 1 ? '1 setting' : `${count} settings`);

/** While the update runs; `marked`: the parameters of the changes the schema marks as restarting. */
export function applyingMessage(count: number, marked: string[]): string {
  return `Applying ${settings(count)}${marked.length > 0 ? `; PostgreSQL restarts (${marked.join(', ')})` : ''}…`;
}

/** Once it succeeded, from its final answer. */
export function appliedMessage(count: number, marked: string[], op: Pick<Operation, 'message'>): string {
  const restarted = restartsTold(op) ?? marked;
  return restarted.length > 0 ? `Applied ${settings(count)}; PostgreSQL restarted (${restarted.join(', ')})` : `Applied ${settings(count)} without restart`;
}
