// The search that finds a setting to add to the view: the query anywhere in
// its name ("vacuum" finds autovacuum_naptime), or each of its words at the
// start of a word of its name, title, description, section or group ("io
// method" finds io_method, not default_toast_compression's "compression
// method"); `-`, `_` and `.` read as spaces, so "shared buffers" finds
// shared-buffers-percentage. Matches on the name come first, then on the
// title, then the rest.
import type { SettingField } from './fields';

const words = (text: string) => text.toLowerCase().replace(/[-_.]+/g, ' ').replace(/\s+/g, ' ').trim();

/** How well a field matches: lower is better, undefined when some word is nowhere. */
function rank(f: SettingField, query: string, terms: string[]): number | undefined {
  const name = words(f.key);
  const title = words(f.title ?? '');
  const places = words(`${f.section} ${f.group ?? ''} ${f.key.includes('.') ? f.key.split('.')[0] : ''}`);
  const starts = ` ${name} ${title} ${places} ${words(f.description ?? '')}`;
  if (!name.includes(query) && !terms.every((t) => starts.includes(` ${t}`))) return undefined;
  if (name === query || words(f.name) === query) return 0;
  if (words(f.name).startsWith(query)) return 1;
  if (name.includes(query)) return 2;
  if (terms.every((t) => name.includes(t))) return 3;
  if (title.includes(query)) return 4;
  if (places.includes(query)) return 5;
  return 6;
}

/** The fields matching `query`, best first, at most `limit` (and how many matched in all). */
export function searchFields(fields: SettingField[], query: string, limit = 10): { hits: SettingField[]; total: number } {
  const q = words(query);
  if (!q) return { hits: [], total: 0 };
  const terms = q.split(' ');
  const ranked = fields.flatMap((f, order) => {
    const r = rank(f, q, terms);
    return r === undefined ? [] : [{ f, r, order }];
  });
  ranked.sort((a, b) => a.r - b.r || a.order - b.order);
  return { hits: ranked.slice(0, limit).map((x) => x.f), total: ranked.length };
}
