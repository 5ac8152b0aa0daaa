// Which upstreams this console may call: the local engine, the public cloud
// zones, and the custom bases its operator lists in PGDECK_ALLOWED_UPSTREAMS.
// Nothing a visitor sends can add one.
import 'server-only';
import { cloudZones, normalizeApiBase, zoneUrl, type EndpointChoice } from '@/lib/api-v2/endpoints';
import { endpointUnusable } from '@/lib/api-v2/errors';

type Env = Record<string, string | undefined>;

/** The local engine's URL, unless the console was started against another upstream. */
export const localEngineUrl = (env: Env = process.env): string => (env.PGDECK_ENGINE_URL ?? 'http://127.0.0.1:8079/v2').replace(/\/$/, '');

/** PGDECK_ALLOWED_UPSTREAMS: comma-separated base URLs ending in /v2, normalized; none by default. */
export function allowedUpstreams(env: Env = process.env): string[] {
  const entries = (env.PGDECK_ALLOWED_UPSTREAMS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const out = new Set<string>();
  for (const entry of entries) {
    const base = normalizeApiBase(entry);
    if (!base) throw new Error(`PGDECK_ALLOWED_UPSTREAMS: "${entry}" is not an http(s) base URL ending in /v2 without user, query or fragment`);
    out.add(base);
  }
  return [...out];
}

export function resolveEndpoint(choice: EndpointChoice, env: Env = process.env): { baseUrl: string; label: string } {
  if (choice.kind === 'local') return { baseUrl: localEngineUrl(env), label: 'Local engine' };
  if (choice.kind === 'zone' && cloudZones.includes(choice.zone)) return { baseUrl: zoneUrl(choice.zone), label: choice.zone };
  if (choice.kind === 'custom') {
    const base = normalizeApiBase(choice.url);
    // the allowed entry itself is what gets called, never the visitor's spelling of it
    const allowed = base ? allowedUpstreams(env).find((a) => a === base) : undefined;
    if (allowed) return { baseUrl: allowed, label: new URL(allowed).host };
  }
  throw endpointUnusable();
}

/** A session's upstream is still one this console may call (the operator may have changed the list since). */
export function isPermittedBase(baseUrl: string, env: Env = process.env): boolean {
  return baseUrl === localEngineUrl(env) || cloudZones.some((z) => zoneUrl(z) === baseUrl) || allowedUpstreams(env).includes(baseUrl);
}
