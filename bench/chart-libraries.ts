// Charting library by measured size and speed (issue 14): uPlot, which the Metrics tab uses, against Recharts, the
// other candidate, in one run so that their ratios compare.
//
//   npx tsx bench/chart-libraries.ts [--rounds 5]
//
// Recharts is not a dependency of the console: it is installed at run time into a temporary directory (exact
// versions below, React the same as ours) and removed at the end. uPlot comes from our node_modules.
//
// Size: the same minimal line chart in each library (uPlot in a component like components/metrics/metric-chart.tsx
// drawing one series; Recharts as ResponsiveContainer > LineChart with XAxis, YAxis, Tooltip and Line), bundled by
// esbuild (minified, ESM, for the browser, production mode) with React external, since the console ships React
// anyway; gzipped at level 9. uPlot's stylesheet is counted apart.
//
// Speed: Debian's Chromium, headless. Per library a page with React, ReactDOM and the chart bundled in; a fresh
// page per measurement renders 8 charts of N points each (60, 1,440, 10,000: an hour and a day at one sample a
// minute, and a dense series), from root.render() to the frame that shows all 8 lines (the first animation frame
// that finds them drawn, then a task after that frame's paint). Rounds alternate which library goes first, the
// median is reported. Then the page's JS heap after a forced garbage collection (CDP Performance.getMetrics
// JSHeapUsedSize: without the collection the figure depends on when V8 last collected) and its DOM nodes.
// Recharts' animation is off: with it the line is not complete until the animation ends.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from '@playwright/test';
import { build, type BuildOptions } from 'esbuild';
import { Cleanup, median } from './common';

const RECHARTS_VERSION = '3.11.3'; // the current release (npm dist-tag latest on 2026-12-03)
const POINTS = [60, 1440, 10_000];
const CHARTS = 8;
const RENDER_TIMEOUT_MS = 60_000;
const flags = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const repo = resolve(import.meta.dirname, '..');
const ours = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

function parseArgs(argv: string[]): { rounds: number } {
  const out = { rounds: 5 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2);
    const v = Number(inline ?? argv[++i]);
    if (flag === '--rounds' && Number.isInteger(v) && v >= 1 && v <= 50) out.rounds = v;
    else throw new Error(`bad argument ${flag}; usage: chart-libraries.ts [--rounds 1..50]`);
  }
  return out;
}

// The two charts, as close as the libraries allow: one series, a time axis, a value axis 70 px wide starting at 0,
// hover values (uPlot's live legend, Recharts' Tooltip), 180 px high and as wide as the container. Recharts gets its
// fast path where the two differ: no CartesianGrid (uPlot draws its grid anyway) and a numeric x scale with times as
// tick labels, not scale="time": in a trial (one chart of 10,000 points) the grid cost it about 1 s more and the time
// scale 5 to 8 s more, as it derives grid lines, or time ticks, from every data point and measures each label in the
// DOM.
// `onDraw` lets the page count uPlot's draws (a canvas has nothing to find in the DOM); Recharts' line is found as
// its SVG path.
const UPLOT_CHART = `
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
const fmt = (v) => (v === null || v === undefined ? '–' : Number(v.toFixed(2)).toString());
export const prepare = (rows) => [rows.map((r) => r[0]), rows.map((r) => r[1])];
export const drawnCount = (_doc, drawnCharts) => drawnCharts;
export function Chart({ id, title, data, onDraw }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    const u = new uPlot({
      width: Math.max(200, el.clientWidth),
      height: 180,
      series: [{}, { label: 'value', stroke: '#2563eb', width: 1.5, spanGaps: false, value: (_u, v) => fmt(v) }],
      axes: [
        { stroke: '#52525b', grid: { stroke: '#e4e4e7' }, ticks: { stroke: '#e4e4e7' } },
        { stroke: '#52525b', grid: { stroke: '#e4e4e7' }, ticks: { stroke: '#e4e4e7' }, size: 70, values: (_u, vals) => vals.map(fmt) },
      ],
      scales: { y: { range: (_u, min, max) => [Math.min(0, min), max > min ? max : min + 1] } },
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [() => onDraw && onDraw(id)] },
    }, data, el);
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: 180 }));
    resize.observe(el);
    return () => { resize.disconnect(); u.destroy(); };
  }, [id, data, onDraw]);
  return <figure><figcaption>{title}</figcaption><div ref={box} /></figure>;
}
`;

const RECHARTS_CHART = `
import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
const fmt = (v) => (v === null || v === undefined ? '–' : Number(Number(v).toFixed(2)).toString());
const hhmm = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
const time = (t) => hhmm.format(t * 1000);
export const prepare = (rows) => rows.map((r) => ({ t: r[0], v: r[1] }));
export const drawnCount = (doc) => [...doc.querySelectorAll('path.recharts-line-curve')].filter((p) => (p.getAttribute('d') || '').length > 1).length;
export function Chart({ title, data }) {
  return (
    <figure>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={time} stroke="#52525b" />
          <YAxis width={70} domain={[(min) => Math.min(0, min), 'auto']} tickFormatter={fmt} stroke="#52525b" />
          <Tooltip formatter={(v) => fmt(v)} labelFormatter={time} />
          <Line type="linear" dataKey="v" stroke="#2563eb" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
`;

// The page around either chart: data made before the clock starts (a random walk, one sample a minute, as rows like
// the metrics API's), then render → all lines drawn → the frame painted. The wait is bounded by a deadline.
const PAGE = `
import { createRoot } from 'react-dom/client';
const root = createRoot(document.getElementById('root'));
function rows(n, seed) {
  let x = seed * 7919 + 1, v = 50;
  const out = [];
  for (let i = 0; i < n; i++) {
    x = (x * 16807) % 2147483647;
    v = Math.max(0, v + ((x / 2147483647) - 0.5) * 4);
    out.push([1764547200 + i * 60, v]);
  }
  return out;
}
function App({ sets, onDraw }) {
  return (
    <main style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12, width: 1200 }}>
      {sets.map((d, i) => <Chart key={i} id={i} title={'chart ' + (i + 1)} data={d} onDraw={onDraw} />)}
    </main>
  );
}
window.__bench = {
  async run(n, charts, timeoutMs) {
    const sets = Array.from({ length: charts }, (_, i) => prepare(rows(n, i + 1)));
    const drawn = new Set(); // uPlot draws again on a resize: count charts, not draws
    const onDraw = (id) => drawn.add(id);
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const t0 = performance.now();
    root.render(<App sets={sets} onDraw={onDraw} />);
    await new Promise((done, fail) => {
      const tick = () => {
        if (drawnCount(document, drawn.size) >= charts) setTimeout(done, 0); // this frame paints them; the task runs after it
        else if (performance.now() - t0 > timeoutMs) fail(new Error('charts not drawn within ' + timeoutMs + ' ms'));
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    return performance.now() - t0;
  },
};
`;

type Lib = 'uPlot' | 'Recharts';
interface Built { js: Buffer; css: Buffer }

const common: BuildOptions = {
  bundle: true,
  minify: true,
  platform: 'browser',
  jsx: 'automatic',
  // production code paths, as in the console's build (React and Recharts' dependencies check NODE_ENV)
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  write: false,
  outdir: '/out', // not written: esbuild needs it to emit the stylesheet as a second output
  logLevel: 'error',
};

async function bundle(source: string, resolveDir: string, opts: BuildOptions): Promise<Built> {
  const res = await build({ ...common, ...opts, stdin: { contents: source, loader: 'tsx', resolveDir, sourcefile: 'entry.tsx' } });
  const js = res.outputFiles?.find((f) => f.path.endsWith('.js'));
  const css = res.outputFiles?.find((f) => f.path.endsWith('.css'));
  if (!js) throw new Error('esbuild gave no JavaScript output');
  return { js: Buffer.from(js.contents), css: Buffer.from(css?.contents ?? []) };
}

const gz = (b: Buffer): number => (b.length ? gzipSync(b, { level: 9 }).length : 0);
const kb = (bytes: number): string => (bytes / 1000).toFixed(1);
const mibs = (bytes: number): string => (bytes / 1048576).toFixed(1);
const ratio = (a: number, b: number): string => `${(b / a).toFixed(1)}×`;
const versionOf = (dir: string, name: string): string =>
  (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

interface Measure { ms: number; heap: number; nodes: number }

/** One fresh page: loads the library's page, renders 8 charts of n points, reads heap and DOM nodes after a GC. */
async function measure(browser: Browser, url: string, n: number): Promise<Measure> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const ms = await page.evaluate(
      ([points, charts, timeout]) => (window as unknown as { __bench: { run(n: number, c: number, t: number): Promise<number> } }).__bench.run(points, charts, timeout),
      [n, CHARTS, RENDER_TIMEOUT_MS] as const,
    );
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string): number => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
    return { ms, heap: metric('JSHeapUsedSize'), nodes: metric('Nodes') };
  } finally {
    await context.close();
  }
}

async function main(cleanup: Cleanup): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const reactVersion = ours.dependencies.react ?? '';
  if (!/^\d+\.\d+\.\d+$/.test(reactVersion) || ours.dependencies['react-dom'] !== reactVersion) {
    throw new Error(`package.json should pin react and react-dom to one exact version (react ${reactVersion})`);
  }
  console.log(`pgdeck chart-libraries: ${cpus().length} cpus, node ${process.version}, ${args.rounds} rounds, ` +
    `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const dir = mkdtempSync(join(tmpdir(), 'pgdeck-charts-'));
  cleanup.add('temporary directory', () => rmSync(dir, { recursive: true, force: true }));
  // react-is is a peer dependency of Recharts; pinned too, so npm does not pick whatever is newest. No install
  // scripts: none of these packages needs one.
  const install = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', dir,
    `recharts@${RECHARTS_VERSION}`, `react@${reactVersion}`, `react-dom@${reactVersion}`, `react-is@${reactVersion}`],
  { encoding: 'utf8', timeout: 300_000 });
  if (install.status !== 0) throw new Error(`npm install failed (${install.status ?? install.signal}): ${install.stderr}`);
  const versions: Record<Lib, string> = { uPlot: versionOf(repo, 'uplot'), Recharts: versionOf(dir, 'recharts') };
  console.log(`uPlot ${versions.uPlot} (our node_modules), Recharts ${versions.Recharts} (installed in ${dir}), ` +
    `React ${versionOf(dir, 'react')}, esbuild ${versionOf(repo, 'esbuild')}`);

  // each library resolves from its own place; the Recharts page takes React from the same directory as Recharts,
  // so there is one copy of React in it
  const from: Record<Lib, { chart: string; dir: string }> = {
    uPlot: { chart: UPLOT_CHART, dir: repo },
    Recharts: { chart: RECHARTS_CHART, dir },
  };
  const libs: Lib[] = ['uPlot', 'Recharts'];

  const size = {} as Record<Lib, { raw: number; gz: number; cssGz: number }>;
  for (const lib of libs) {
    const b = await bundle(from[lib].chart, from[lib].dir, { format: 'esm', external: ['react', 'react/*', 'react-dom', 'react-dom/*'] });
    size[lib] = { raw: b.js.length, gz: gz(b.js), cssGz: gz(b.css) };
  }

  const pages = join(dir, 'pages');
  mkdirSync(pages);
  const url = {} as Record<Lib, string>;
  for (const lib of libs) {
    const b = await bundle(`${from[lib].chart}\n${PAGE}`, from[lib].dir, { format: 'iife' });
    const name = lib.toLowerCase();
    writeFileSync(join(pages, `${name}.js`), b.js);
    writeFileSync(join(pages, `${name}.html`), `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:8px;font:12px sans-serif}` +
      `${b.css.toString()}</style></head><body><div id="root"></div><script src="${name}.js"></script></body></html>`);
    url[lib] = pathToFileURL(join(pages, `${name}.html`)).href;
  }

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: flags });
  cleanup.add('browser', () => browser.close());
  // once each, not counted: the first pages pay the renderer's start and the cold file cache
  for (const lib of libs) await measure(browser, url[lib], POINTS[0] ?? 60);

  const results = new Map<string, Measure[]>();
  for (const n of POINTS) {
    for (let r = 0; r < args.rounds; r++) {
      for (const lib of r % 2 ? [...libs].reverse() : libs) {
        const m = await measure(browser, url[lib], n);
        const key = `${lib} ${n}`;
        results.set(key, [...(results.get(key) ?? []), m]);
      }
    }
    console.log(`N=${n}: ${libs.map((lib) => `${lib} ${(results.get(`${lib} ${n}`) ?? []).map((m) => Math.round(m.ms)).join(' ')} ms`).join('; ')}`);
  }

  console.log(`\nload average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log('\n| size (chart component, React external) | uPlot | Recharts | Recharts / uPlot |');
  console.log('|---|---|---|---|');
  console.log(`| JS minified | ${kb(size.uPlot.raw)} kB | ${kb(size.Recharts.raw)} kB | ${ratio(size.uPlot.raw, size.Recharts.raw)} |`);
  console.log(`| JS gzipped | ${kb(size.uPlot.gz)} kB (${size.uPlot.gz} B) | ${kb(size.Recharts.gz)} kB (${size.Recharts.gz} B) | ${ratio(size.uPlot.gz, size.Recharts.gz)} |`);
  console.log(`| CSS gzipped | ${kb(size.uPlot.cssGz)} kB | ${kb(size.Recharts.cssGz)} kB | |`);
  console.log(`\n| ${CHARTS} charts × N points | render → painted, median ms (uPlot / Recharts) | ratio | JS heap after, MiB | ratio | DOM nodes |`);
  console.log('|---|---|---|---|---|---|');
  const summary: Record<string, unknown> = { versions, size };
  for (const n of POINTS) {
    const u = results.get(`uPlot ${n}`) ?? [];
    const rc = results.get(`Recharts ${n}`) ?? [];
    const [ums, rms] = [median(u.map((m) => m.ms)), median(rc.map((m) => m.ms))];
    const [uh, rh] = [median(u.map((m) => m.heap)), median(rc.map((m) => m.heap))];
    const [un, rn] = [median(u.map((m) => m.nodes)), median(rc.map((m) => m.nodes))];
    console.log(`| ${n.toLocaleString('en')} | ${Math.round(ums)} / ${Math.round(rms)} | ${ratio(ums, rms)} | ${mibs(uh)} / ${mibs(rh)} | ${ratio(uh, rh)} | ${un} / ${rn} |`);
    summary[n] = { uPlotMs: Math.round(ums), rechartsMs: Math.round(rms), uPlotHeap: uh, rechartsHeap: rh, uPlotNodes: un, rechartsNodes: rn };
  }
  console.log(`\nJSON ${JSON.stringify(summary)}`);
}

const cleanup = new Cleanup();
void cleanup.main(() => main(cleanup));
