// Plain values of the service shapes, kept apart from zod (service.ts) so the
// create form can show its choices before it loads the schemas that check them.

export const pgVersions = ['13', '14', '15', '16', '17', '18'] as const;

export const maintenanceDows = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'never'] as const;

/**
 * Synchronous quorum (ANY 1 of the standbys) needs two standbys: with one, a silent standby would hold every
 * commit. The engine refuses it on smaller plans; the console offers it from here on.
 */
export const QUORUM_MIN_NODES = 3;

/** Whether a service is on its way somewhere (what shows it polls faster): any known state but running. */
export const inProgress = (state?: string) => state !== undefined && state !== 'running';
