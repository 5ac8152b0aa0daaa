// Every notification type the engine writes into a service's `notifications`, with what it means. The public enum
// has two (service_end_of_life, service_powered_off_removal), which this engine never raises; these are the engine's
// own, in the same `service_*` shape, and this is the one place they are listed (the README points here).
export const NOTIFICATION_TYPES = {
  service_backend_crashed: 'a PostgreSQL backend was killed by a signal; PostgreSQL reset every session and recovered',
  service_process_exited: "a node's postmaster stopped unexpectedly",
  service_process_restarted: "a node's PostgreSQL was started again by the engine",
  service_process_restart_failed: "a node's PostgreSQL could not be started (retried)",
  service_port_taken: "another program holds a node's port: the service stays down rather than serve a stranger's address",
  service_port_conflict: "another engine on this host claims one of the service's ports",
  service_socket_lost: "a node's socket directory was removed; PostgreSQL and PgBouncer are restarted to recreate it",
  service_pgbouncer_exited: 'PgBouncer stopped unexpectedly',
  service_pgbouncer_restarted: 'PgBouncer was started again',
  service_pgbouncer_restart_failed: 'PgBouncer could not be started (retried)',
  service_reconcile_failed: 'users, databases or PgBouncer could not be brought back to what is stored (retried)',
  service_secret_restored: "the engine's superuser password was put back on a node that had lost it",
  service_isolated: 'the service was moved to an OS user of its own',
  service_master_hung_restarted: 'a single node answered nothing for the failover window while its postmaster ran: restarted in place',
  service_failover: 'the master failed over to a standby, with the time it took',
  service_failover_held: 'a failover was not done (no standby could take over without losing acknowledged commits)',
  service_failover_failed: 'a failover could not be completed (retried)',
  service_standby_rebuilt: 'the old master came back as a standby (rewound or copied)',
  service_standby_rebuild_failed: 'the old master could not be rebuilt as a standby (retried at the next engine start)',
  service_replica_promoted: 'a read replica became a standalone service',
  service_wal_archive_failed: 'WAL files are not being archived, with the reason',
  service_wal_archive_resumed: 'WAL archiving caught up again',
  service_backup_failed: 'a scheduled base backup failed (retried every 5 minutes until one succeeds), with the reason',
  service_disk_nearly_full: "the service's data, WAL and backups use more than 90 % of its plan's disk",
  service_disk_space_recovered: 'disk use went back below 85 % of the plan after a nearly-full warning',
  service_maintenance_applied: 'maintenance was applied (updates, restarts, their durations)',
  service_maintenance_failed: 'maintenance failed and was rolled back',
  service_migration_failed: 'a migration failed, with the reason per database',
} as const;

export type NotificationType = keyof typeof NOTIFICATION_TYPES;
