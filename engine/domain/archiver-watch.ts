// WAL archiving never stops silently: PostgreSQL retries a file that failed to
// archive until it succeeds, and this watch (from pg_stat_archiver, every few
// seconds) says so in the service's notifications, once per outage, with the
// reason PostgreSQL logged, and again when archiving has caught up.
import { recentLog } from '../runtime/instance';
import type { ServiceRecord } from '../store/services';
import type { Engine } from './engine';
import { masterSpec } from './lookup';

interface ArchiverRow {
  failed_count: string;
  last_failed_wal: string | null;
  last_failed_time: Date | null;
  last_archived_wal: string | null;
  last_archived_time: Date | null;
}

export class ArchiverWatch {
  /** Services whose archiving is failing, reported so. */
  private failing = new Set<string>();

  constructor(private readonly engine: Engine) {}

  async check(svc: ServiceRecord): Promise<void> {
    const { engine } = this;
    const spec = masterSpec(engine, svc);
    const [a] = await engine.runtime.query<ArchiverRow>(spec,
      'SELECT failed_count::text, last_failed_wal, last_failed_time, last_archived_wal, last_archived_time FROM pg_stat_archiver');
    if (!a) return;
    const failingNow = a.last_failed_time !== null && (a.last_archived_time === null || a.last_failed_time > a.last_archived_time);
    if (failingNow && !this.failing.has(svc.name)) {
      this.failing.add(svc.name);
      const since = a.last_archived_time ? `; point-in-time recovery reaches ${a.last_archived_time.toISOString()} until it succeeds` : '';
      engine.services.notify(svc.name, {
        level: 'warning',
        type: 'service_wal_archive_failed',
        message: `WAL file ${a.last_failed_wal} could not be archived (${reason(spec.root)}); PostgreSQL keeps it and retries${since}`.slice(0, 1024),
        metadata: { 'wal-file': a.last_failed_wal, 'failed-count': Number(a.failed_count) },
      });
    } else if (!failingNow && this.failing.has(svc.name)) {
      this.failing.delete(svc.name);
      engine.services.notify(svc.name, {
        level: 'notice',
        type: 'service_wal_archive_resumed',
        message: `WAL archiving caught up: ${a.last_archived_wal} archived at ${a.last_archived_time?.toISOString()}`,
        metadata: { 'wal-file': a.last_archived_wal },
      });
    }
  }
}

/** The archive script's own words, from the end of the node's log. */
function reason(root: string): string {
  try {
    const lines = recentLog(root).split('\n');
    const script = lines.filter((l) => /archive-wal: /.test(l)).pop()?.replace(/^.*?archive-wal: (?:\d+: )?/, '');
    const postgres = lines.filter((l) => /archive command failed/.test(l)).pop()?.replace(/^.*?LOG:\s+/, '');
    return (script ?? postgres)?.trim() || 'see the PostgreSQL log';
  } catch {
    return 'see the PostgreSQL log';
  }
}
