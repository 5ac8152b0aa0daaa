// The on-demand password reveal. Passwords never come with the service data
// and are never cached: each is fetched when revealed, held only by the place
// showing it, forgotten when hidden, and fetched again when a reset of it ends.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';

export const userPath = (service: string, username: string) => `/services/${service}/users/${encodeURIComponent(username)}`;

/** One password, fetched now and kept nowhere (say, to copy a URI with it). */
export const fetchPassword = (service: string, username: string) =>
  api<{ username: string; password: string }>('GET', `${userPath(service, username)}/password`).then((r) => r.password);

type ChangeListener = (service: string, username: string) => void;
const changes = new Set<ChangeListener>();

/** A reset of this password ended: every place showing it fetches it again. */
export function passwordChanged(service: string, username: string): void {
  changes.forEach((l) => l(service, username));
}

export interface RevealedPassword {
  shown: boolean;
  password?: string;
  error?: Error;
  busy: boolean;
  /** Fetches it (again, after an error) and shows it. */
  reveal(): void;
  hide(): void;
}

export function useRevealedPassword(service: string, username: string): RevealedPassword {
  const [shown, setShown] = useState(false);
  const [state, setState] = useState<{ password?: string; error?: Error; busy: boolean }>({ busy: false });
  // an answer that arrives after Hide (or after a newer fetch) is dropped
  const latest = useRef(0);
  const load = useCallback(() => {
    const ticket = ++latest.current;
    setState((s) => ({ ...s, error: undefined, busy: true }));
    fetchPassword(service, username).then(
      (password) => ticket === latest.current && setState({ password, busy: false }),
      (error: Error) => ticket === latest.current && setState({ error, busy: false }),
    );
  }, [service, username]);

  useEffect(() => {
    if (!shown) return;
    const again: ChangeListener = (s, u) => s === service && u === username && load();
    changes.add(again);
    return () => void changes.delete(again);
  }, [shown, service, username, load]);

  return {
    shown,
    ...state,
    reveal: () => {
      setShown(true);
      load();
    },
    hide: () => {
      latest.current++;
      setShown(false);
      setState({ busy: false });
    },
  };
}
