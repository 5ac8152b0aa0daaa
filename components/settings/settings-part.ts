// What each form on the settings tab hands the one save bar: the changes to
// review, and the ways to check, send, drop and settle them.
import type { ServicePg, UpdateService } from '@/lib/schemas/service';

/** One change as the review lists it: where, what, from → to, and whether applying it restarts PostgreSQL. */
export interface ReviewItem {
  id: string;
  section: string;
  key: string;
  old: string;
  new: string;
  restart: boolean;
  /** The PostgreSQL parameter a restart would be for (shared-buffers-percentage: shared_buffers). */
  parameter?: string;
}

export interface SettingsPart {
  items: ReviewItem[];
  /** Checks what was typed, showing and focusing the first problem; true when all is well. */
  check(): Promise<boolean>;
  /** The body fragment that makes exactly these changes. */
  body(): UpdateService;
  discard(): void;
  /** After a save: the form shows what the server now reports. */
  settle(fresh: ServicePg): void;
  /** Shows a refusal beside the field it names; false when it names none of this part's. */
  showError(err: unknown): boolean;
}
