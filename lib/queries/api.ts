// The browser's one way to call the console's own route handlers (same
// origin, session cookie). Errors carry the upstream's message and field.
import type { Operation } from '@/lib/schemas/operation';

export class ConsoleError extends Error {
  constructor(message: string, readonly status: number, readonly code?: string, readonly field?: string) {
    super(message);
    this.name = 'ConsoleError';
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    if (res.status === 403 && data.message === 'sign in first' && typeof window !== 'undefined') {
      window.location.assign('/sign-in');
    }
    throw new ConsoleError(
      typeof data.message === 'string' ? data.message : `request failed (HTTP ${res.status})`,
      res.status,
      typeof data.code === 'string' ? data.code : undefined,
      typeof data.field === 'string' ? data.field : undefined,
    );
  }
  return data as T;
}

export const isOperation = (x: unknown): x is Operation =>
  typeof x === 'object' && x !== null && 'id' in x && 'state' in x;

/** When the server's error names one of `fields`: that field, and the reason without its "field: " prefix. */
export function fieldError<F extends string>(err: unknown, fields: readonly F[]): { field: F; message: string } | null {
  if (!(err instanceof ConsoleError) || !(fields as readonly string[]).includes(err.field ?? '')) return null;
  return { field: err.field as F, message: err.message.replace(`${err.field}: `, '') };
}
