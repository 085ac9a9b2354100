/**
 * The two lookup keys of a country name.
 * `full` keeps the words of bracketed notes ("Germany (East)" → "germany east");
 * `base` drops them ("Russia (Soviet Union)" → "russia"). Equal when there is no note.
 */
export interface NameKeys {
  full: string;
  base: string;
}

// Words that carry no meaning for matching: "Bosnia & Herzegovina" = "Bosnia-Herzegovina",
// "Republic of Korea" = "Korea, Republic of", "The Gambia" = "Gambia, The".
const STOP_WORDS = new Set(['the', 'and', 'of']);

// Abbreviations the World Bank and others write in country names ("St. Lucia",
// "Congo, Dem. Rep.").
const ABBREVIATIONS = new Map([
  ['st', 'saint'],
  ['ste', 'sainte'],
  ['rep', 'republic'],
  ['dem', 'democratic'],
]);

// Letters that Unicode decomposition leaves alone.
const LETTERS = new Map([
  ['ß', 'ss'],
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ø', 'o'],
  ['đ', 'd'],
  ['ł', 'l'],
  ['ı', 'i'],
]);

/**
 * Lookup keys for a country name as sources write it. Case, accents, apostrophes, punctuation,
 * "&"/"and", "the" and "of" do not matter; a single comma inverts the name ("Korea, Rep." →
 * "republic korea", the same key as "Republic of Korea"); bracketed notes are kept in `full`
 * and dropped in `base`. Pure and deterministic.
 */
export function nameKeys(name: string): NameKeys {
  let s = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøđłı]/g, (c) => LETTERS.get(c) ?? c)
    .replace(/['’‘`´ʼ]/g, '')
    .replace(/&/g, ' and ');
  const notes: string[] = [];
  s = s.replace(/\(([^)]*)\)|\[([^\]]*)\]/g, (_m, round?: string, square?: string) => {
    notes.push(round ?? square ?? '');
    return ' ';
  });
  const commas = s.split(',');
  const base = commas.length === 2 ? `${commas[1]} ${commas[0]}` : s;
  return { full: words(`${base} ${notes.join(' ')}`), base: words(base) };
}

/** The `full` key of {@link nameKeys}: the normalised form names are compared by. */
export function normaliseName(name: string): string {
  return nameKeys(name).full;
}

function words(text: string): string {
  return text
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => ABBREVIATIONS.get(w) ?? w)
    .filter((w) => !STOP_WORDS.has(w))
    .join(' ');
}
