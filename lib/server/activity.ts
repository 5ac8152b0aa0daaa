// The activity read with the signed-in key (the upstream's /v2/pgdeck extension), for the Activity page and the
// route handler alike: each entry with what it did, how it ended and when, in words; a sign-in's rights probes as
// what they are, not as failed changes of a service that does not exist.
import 'server-only';
import { describePage, type DescribedEntry, type DescribedPage } from '@/lib/activity/describe';
import type { ActivityPage, ActivityRequest } from '@/lib/schemas/activity';
import type { Right } from '@/lib/schemas/session';
import { probedRight } from './rights';
import type { Upstream } from './upstream';

const RIGHT_WORDS: Record<Right, string> = {
  write: 'change services',
  'termination-protection': 'change termination protection',
  'delete-service': 'delete services',
  reveal: 'reveal passwords',
};

function asProbe(e: DescribedEntry): DescribedEntry {
  const right = probedRight(e);
  if (!right) return e;
  const allowed = e.status !== null && e.status !== 403;
  return { ...e, service: null, what: `Signed in to the console: checked the right to ${RIGHT_WORDS[right]}`, outcome: { tone: 'zinc', text: allowed ? 'allowed' : 'not allowed' } };
}

export async function readActivity(upstream: Upstream, request: ActivityRequest): Promise<DescribedPage> {
  const page = describePage(await upstream<ActivityPage>('POST', '/pgdeck/activity', request));
  return { ...page, activity: page.activity.map(asProbe) };
}
