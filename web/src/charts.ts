/**
 * Charts drawn with Observable Plot: fixed sizes and fonts (so screenshots are stable), an
 * accessible label on every chart, tier colours from the palette.
 */
import * as Plot from '@observablehq/plot';
import { TIER_COLOURS, TIERS, tierColour } from './palette.js';

const FONT = { fontFamily: 'inherit', fontSize: '12px', background: 'transparent' };

/** Wraps a Plot figure with its accessible label. */
function labelled(chart: SVGSVGElement | HTMLElement, label: string): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  figure.setAttribute('role', 'img');
  figure.setAttribute('aria-label', label);
  figure.append(chart);
  return figure;
}

/** A point of a yearly series; null values leave a gap. */
export interface YearPoint {
  year: number;
  value: number | null;
  tier?: string | null;
}

/** Score on the 0–4 scale by year, each point coloured by its tier. */
export function scoreTrend(points: readonly YearPoint[], label: string, width = 560): HTMLElement {
  const defined = points.filter((p) => p.value !== null);
  return labelled(
    Plot.plot({
      width,
      height: 220,
      style: FONT,
      marginLeft: 40,
      x: { label: null, tickFormat: 'd' },
      y: { domain: [0, 4], label: 'score (0–4)', grid: true },
      color: { domain: [...TIERS], range: TIERS.map((t) => TIER_COLOURS[t]) },
      marks: [
        Plot.lineY(points, { x: 'year', y: 'value', stroke: '#555', strokeWidth: 1.5 }),
        Plot.dot(defined, {
          x: 'year',
          y: 'value',
          r: 4.5,
          fill: (d: YearPoint) => tierColour(d.tier),
          stroke: '#333',
          strokeWidth: 0.75,
          title: (d: YearPoint) => `${d.year}: ${d.value?.toFixed(2)} (${d.tier ?? 'no tier'})`,
        }),
      ],
    }),
    label,
  );
}

/** A yearly series on its own scale (an indicator, a probability as %). */
export function lineTrend(
  points: readonly YearPoint[],
  label: string,
  options: { yLabel: string; percent?: boolean; width?: number; height?: number },
): HTMLElement {
  return labelled(
    Plot.plot({
      width: options.width ?? 560,
      height: options.height ?? 180,
      style: FONT,
      marginLeft: 48,
      x: { label: null, tickFormat: 'd' },
      y: {
        label: options.yLabel,
        grid: true,
        percent: options.percent,
        zero: options.percent,
        nice: true,
        tickFormat: options.percent ? undefined : '~g',
      },
      marks: [
        Plot.lineY(points, { x: 'year', y: 'value', stroke: '#2c7bb6', strokeWidth: 1.5 }),
        Plot.dot(
          points.filter((p) => p.value !== null),
          { x: 'year', y: 'value', r: 3, fill: '#2c7bb6' },
        ),
      ],
    }),
    label,
  );
}

const STAGES = ['none', 'crisis', 'mobilisation', 'violence'];

/** A stage over time as a step line; red flags marked with a red ring. */
export function stageTimeline(
  entries: readonly {
    date: string;
    stage: string;
    redFlags: readonly string[];
    imminent: boolean;
  }[],
  to: string,
  label: string,
  width = 560,
): HTMLElement {
  const points = entries.map((e) => ({ ...e, at: new Date(e.date) }));
  const last = points[points.length - 1];
  const steps = last ? [...points, { ...last, at: new Date(to) }] : points;
  return labelled(
    Plot.plot({
      width,
      height: 180,
      style: FONT,
      marginLeft: 90,
      x: { label: null, type: 'utc' },
      y: { domain: STAGES, label: null, type: 'point', reverse: true },
      marks: [
        Plot.line(steps, {
          x: 'at',
          y: 'stage',
          curve: 'step-after',
          stroke: '#444',
          strokeWidth: 2,
        }),
        Plot.dot(points, {
          x: 'at',
          y: 'stage',
          r: 4,
          fill: (d: { imminent: boolean }) => (d.imminent ? '#b30000' : '#444'),
          title: (d: { date: string; stage: string; redFlags: readonly string[] }) =>
            `${d.date}: ${d.stage}${d.redFlags.length ? `; red flags: ${d.redFlags.join(', ')}` : ''}`,
        }),
        Plot.dot(
          points.filter((d) => d.redFlags.length > 0),
          { x: 'at', y: 'stage', r: 8, stroke: '#b30000', strokeWidth: 2 },
        ),
      ],
    }),
    label,
  );
}

/**
 * Grouped bars: one bar per category and series (e.g. share with atrocities by tier, per
 * framework). With `percent`, values are shares in [0, 1] drawn on a 0–100% axis.
 */
export function groupedBars(
  data: readonly { group: string; series: string; value: number | null }[],
  label: string,
  options: {
    groups: readonly string[];
    yLabel: string;
    percent?: boolean;
    width?: number;
    colours?: readonly string[];
  },
): HTMLElement {
  const series = [...new Set(data.map((d) => d.series))];
  return labelled(
    Plot.plot({
      width: options.width ?? 560,
      height: 240,
      style: FONT,
      marginLeft: 48,
      fx: { domain: [...options.groups], label: null },
      x: { domain: series, axis: null },
      y: {
        label: options.yLabel,
        grid: true,
        percent: options.percent,
        // Plot's `percent` multiplies the values by 100 before the scale: its domain is in
        // percentage points, so a share of 1 fills the axis and no bar overflows it.
        domain: options.percent ? [0, 100] : undefined,
      },
      color: {
        domain: series,
        range: [...(options.colours ?? ['#2c7bb6', '#d7191c', '#fdae61', '#abd9e9'])],
        legend: series.length > 1,
      },
      marks: [
        Plot.barY(
          data.filter((d) => d.value !== null),
          {
            fx: 'group',
            x: 'series',
            y: 'value',
            fill: 'series',
            title: (d: { series: string; group: string; value: number }) =>
              `${d.series}, ${d.group}: ${options.percent ? `${(d.value * 100).toFixed(0)}%` : d.value}`,
          },
        ),
        Plot.ruleY([0]),
      ],
    }),
    label,
  );
}

/** Stacked bars of counts by a category on the x axis (e.g. episodes by decade, war and peace). */
export function stackedBars(
  data: readonly { x: string; part: string; count: number }[],
  label: string,
  options: { parts: readonly string[]; colours: readonly string[]; width?: number },
): HTMLElement {
  return labelled(
    Plot.plot({
      width: options.width ?? 560,
      height: 240,
      style: FONT,
      x: { label: null },
      y: { label: 'episodes', grid: true },
      color: { domain: [...options.parts], range: [...options.colours], legend: true },
      marks: [
        Plot.barY(data, {
          x: 'x',
          y: 'count',
          fill: 'part',
          order: [...options.parts],
          title: (d: { x: string; part: string; count: number }) => `${d.x}: ${d.count} ${d.part}`,
        }),
        Plot.ruleY([0]),
      ],
    }),
    label,
  );
}
