/**
 * Colours. Tiers use ColorBrewer's five-class RdYlBu, which stays distinguishable under
 * the common forms of colour blindness (and its lightness runs from dark red to mid blue,
 * so it also survives grey-scale printing); every coloured mark also carries its tier in
 * text. Probabilities use the sequential YlOrRd in seven bins, roughly doubling from bin to
 * bin, since forecast risks spread over two orders of magnitude.
 */

/** The five tiers of structural risk, most risk first. */
export type Tier = 'extreme' | 'high' | 'moderate' | 'low' | 'negligible';

/** Every tier, most risk first. */
export const TIERS: readonly Tier[] = ['extreme', 'high', 'moderate', 'low', 'negligible'];

/** Fill colour of each tier. */
export const TIER_COLOURS: Readonly<Record<Tier, string>> = {
  extreme: '#d7191c',
  high: '#fdae61',
  moderate: '#ffffbf',
  low: '#abd9e9',
  negligible: '#2c7bb6',
};

/** Fill of a country without a value (no data, or not assessed). */
export const NO_DATA = '#d4d4d4';

/** Colour of a tier, or the no-data grey. */
export function tierColour(tier: string | null | undefined): string {
  return tier && tier in TIER_COLOURS ? TIER_COLOURS[tier as Tier] : NO_DATA;
}

/** Upper bounds (exclusive) of the probability bins, as probabilities in [0, 1]; the last bin is open. */
export const PROBABILITY_BREAKS: readonly number[] = [0.005, 0.01, 0.02, 0.04, 0.08, 0.16];

/** Colours of the probability bins, lowest first (one more than the breaks). */
export const PROBABILITY_COLOURS: readonly string[] = [
  '#ffffb2',
  '#fed976',
  '#feb24c',
  '#fd8d3c',
  '#fc4e2a',
  '#e31a1c',
  '#b10026',
];

/** Index of the bin a probability in [0, 1] falls in. */
export function probabilityBin(p: number): number {
  const i = PROBABILITY_BREAKS.findIndex((b) => p < b);
  return i === -1 ? PROBABILITY_BREAKS.length : i;
}

/** Colour of a probability in [0, 1], or the no-data grey. */
export function probabilityColour(p: number | null | undefined): string {
  return p === null || p === undefined ? NO_DATA : PROBABILITY_COLOURS[probabilityBin(p)]!;
}

/** Text colour readable on a fill (dark on light fills, white on dark ones). */
export function inkOn(fill: string): string {
  const n = Number.parseInt(fill.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#111' : '#fff';
}

/** Colours of the escalation stages, least to most advanced (ordered, colour-blind safe). */
export const STAGE_COLOURS: Readonly<Record<string, string>> = {
  none: '#f0f0f0',
  crisis: '#fdd49e',
  mobilisation: '#fc8d59',
  violence: '#b30000',
};
