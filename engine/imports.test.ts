// The engine's layers point one way (http → domain → settings, store,
// runtime), and no module imports itself back through others.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const engineDir = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'test' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Module → the engine modules it imports (values and types alike: a type import is a dependency too). */
const graph = new Map(sources(engineDir).map((file) => {
  const text = readFileSync(file, 'utf8');
  const deps = [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gms)].map((m) => normalize(join(dirname(file), `${m[1]}.ts`)));
  return [relative(engineDir, file), deps.map((d) => relative(engineDir, d))] as const;
}));

const layer = (module: string) => module.split('/')[0] ?? '';

describe('engine imports', () => {
  it('were found (the check reads real files)', () => {
    expect(graph.size).toBeGreaterThan(40);
    expect(graph.get('domain/services.ts')).toContain('domain/lookup.ts');
  });

  it('form no circle', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (m: string, path: string[]) => {
      if (state.get(m) === 'done') return;
      if (state.get(m) === 'open') {
        circles.push([...path.slice(path.indexOf(m)), m].join(' → '));
        return;
      }
      state.set(m, 'open');
      for (const d of graph.get(m) ?? []) visit(d, [...path, m]);
      state.set(m, 'done');
    };
    for (const m of graph.keys()) visit(m, []);
    expect(circles).toEqual([]);
  });

  it('point one way: runtime, store and settings never reach domain or http; domain never reaches http', () => {
    const allowed: Record<string, string[]> = {
      runtime: ['runtime'],
      store: ['store'],
      settings: ['settings', 'runtime'],
      domain: ['domain', 'settings', 'store', 'runtime', 'config.ts'],
    };
    const wrong = [...graph].flatMap(([m, deps]) => deps.filter((d) => allowed[layer(m)] && !allowed[layer(m)]?.includes(layer(d))).map((d) => `${m} → ${d}`));
    expect(wrong).toEqual([]);
  });
});
