/**
 * World regions for the capacity map and gap reports, from Correlates of War country numbers
 * (the code ranges COW assigns by region): 2–165 the Americas, 200–399 Europe, 402–626
 * Africa, 630–698 the Middle East, 700–899 Asia, 900–999 Oceania.
 */
export type Region = 'americas' | 'europe' | 'africa' | 'middle-east' | 'asia' | 'oceania';

/** Every region id. */
export const REGIONS: readonly Region[] = [
  'americas',
  'europe',
  'africa',
  'middle-east',
  'asia',
  'oceania',
];

/** The region of a COW country number; null outside the ranges COW uses. */
export function regionOfCow(cow: number): Region | null {
  if (cow >= 2 && cow <= 165) return 'americas';
  if (cow >= 200 && cow <= 399) return 'europe';
  if (cow >= 402 && cow <= 626) return 'africa';
  if (cow >= 630 && cow <= 698) return 'middle-east';
  if (cow >= 700 && cow <= 899) return 'asia';
  if (cow >= 900 && cow <= 999) return 'oceania';
  return null;
}

/** Whether `text` is a region id. */
export function isRegion(text: string): text is Region {
  return (REGIONS as readonly string[]).includes(text);
}
