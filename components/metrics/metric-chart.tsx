'use client';
// One metric series as a uPlot time chart: one line per column (a node, PgBouncer), the time axis in the browser's
// zone, values in the series' unit, the hovered values in the legend below. Colours follow the system's light or
// dark scheme, and the chart follows its container's width.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricSeries } from '@/lib/schemas/metrics';
import { formatZoned } from '@/lib/time';

const COLORS = ['#2563eb', '#16a34a', '#d97706', '#db2777', '#7c3aed', '#0891b2'];
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A value as its unit reads: bytes scaled, rates and percentages with their sign. */
export function formatValue(v: number | null | undefined, unit?: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (unit === 'bytes' || unit === 'bytes/s') {
    let i = 0;
    let x = Math.abs(v);
    while (i < UNITS.length - 1 && x >= 1024) {
      x /= 1024;
      i++;
    }
    const text = `${Math.sign(v) < 0 ? '-' : ''}${x < 10 && i > 0 ? x.toFixed(1) : Math.round(x)} ${UNITS[i]}`;
    return unit === 'bytes/s' ? `${text}/s` : text;
  }
  const n = Math.abs(v) >= 100 ? Math.round(v).toString() : Number(v.toFixed(2)).toString();
  if (unit === '%') return `${n} %`;
  if (unit === 's') return `${n} s`;
  return n;
}

/** uPlot's columns from the API's rows: times in seconds, then one array per number column. */
export function toColumns(series: MetricSeries): uPlot.AlignedData {
  const rows = series.data.rows;
  const width = series.data.cols.length;
  const cols: (number | null)[][] = Array.from({ length: width }, () => []);
  for (const row of rows) {
    (cols[0] as number[]).push(Date.parse(row[0]) / 1000);
    for (let c = 1; c < width; c++) (cols[c] as (number | null)[]).push((row[c] as number | null | undefined) ?? null);
  }
  return cols as uPlot.AlignedData;
}

const dark = () => typeof window !== 'undefined' && window.matchMedia('(prefers-color-scheme: dark)').matches;

export function MetricChart({ id, series }: { id: string; series: MetricSeries }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { unit, title } = series.hints;
  const labels = series.data.cols.slice(1).map((c) => c.label).join('\u0000');

  // made again when the columns change (a node added), fed new data otherwise
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = dark() ? '#a1a1aa' : '#52525b';
    const grid = dark() ? '#27272a' : '#e4e4e7';
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: 180,
      series: [
        // the hovered time in the legend, its zone named (the axis reads the same zone)
        { value: (_u: uPlot, v: number | null) => (v === null ? '–' : formatZoned(v * 1000, 'second')) },
        ...series.data.cols.slice(1).map((c, i) => ({
          label: c.label,
          stroke: COLORS[i % COLORS.length],
          width: 1.5,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => formatValue(v, unit),
        })),
      ],
      axes: [
        { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid }, size: 70, values: (_u, vals) => vals.map((v) => formatValue(v, unit)) },
      ],
      scales: { y: { range: (_u, min, max) => [Math.min(0, min), max > min ? max : min + 1] } },
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
    const u = new uPlot(opts, toColumns(series), el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // the chart is rebuilt only when its columns or unit change; data goes through setData below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labels, unit]);

  useEffect(() => {
    plot.current?.setData(toColumns(series));
  }, [series]);

  const last = series.data.rows.at(-1);
  const summary = series.data.cols
    .slice(1)
    .map((c, i) => `${c.label}: ${formatValue((last?.[i + 1] as number | null | undefined) ?? null, unit)}`)
    .join(', ');
  return (
    <figure aria-labelledby={`${id}-title`} className="min-w-0 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <figcaption id={`${id}-title`} className="mb-1 text-sm font-medium">
        {title}
      </figcaption>
      <p className="sr-only">Latest: {summary || 'no sample yet'}</p>
      <div ref={box} className="metric-chart w-full text-xs" />
    </figure>
  );
}
