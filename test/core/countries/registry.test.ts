import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { nameKeys, normaliseName } from '../../../src/core/countries/normalise-name.js';
import type { CountryRegistry } from '../../../src/core/countries/registry.js';
import {
  validateCountries,
  validateNonCountryNames,
} from '../../../src/core/countries/registry.js';
import type {
  Backcast,
  Country,
  CountryCode,
  NonCountryName,
} from '../../../src/core/countries/types.js';
import { InputError } from '../../../src/core/errors.js';
import { countriesDir, loadCountryRegistry } from '../../../src/services/countries.js';

const registry = loadCountryRegistry();
const code = (
  system: Parameters<CountryRegistry['fromCode']>[0],
  c: string | number,
  year?: number,
) => registry.fromCode(system, c, year)?.id;
const name = (n: string, year?: number) => registry.fromName(n, year)?.id;

describe('country registry content', () => {
  test('passes validation', () => {
    assert.deepEqual(validateCountries(registry.all()), []);
  });

  test('every current state has ISO codes, except the unrecognised ones', () => {
    const noIso = new Set(['abkhazia', 'south-ossetia', 'somaliland', 'gaza']);
    for (const c of registry.all()) {
      if (c.to !== undefined || noIso.has(c.id)) continue;
      const codes = registry.codesOf(c);
      assert.ok(codes.iso3 && codes.iso2, `${c.id} lacks ISO alpha codes`);
    }
  });

  test('loads once and caches', () => {
    assert.equal(loadCountryRegistry(), registry);
    assert.match(countriesDir(), /content[/\\]countries$/);
  });

  test('reports malformed content with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lens-countries-'));
    const bad: Partial<Country>[] = [
      {
        id: 'aaa',
        name: 'A',
        codes: [{ system: 'cow', code: '1' }],
        aliases: [],
        predecessors: [],
        successors: [],
      },
      { id: 'aaa', name: 'B', codes: [], aliases: [], predecessors: ['zzz'], successors: [] },
    ];
    writeFileSync(join(dir, 'countries.json'), JSON.stringify(bad));
    writeFileSync(join(dir, 'non-country-names.json'), '[]');
    assert.throws(
      () => loadCountryRegistry(dir),
      (e: unknown) =>
        e instanceof InputError &&
        e.message.includes('countries.json') &&
        e.message.includes('countries[1] (id "aaa"): id: duplicate of countries[0]') &&
        e.message.includes('predecessors: unknown id "zzz"'),
    );
  });
});

describe('codes over time', () => {
  test('COW 365 is the Soviet Union to 1991 and Russia from 1992', () => {
    assert.equal(code('cow', 365, 1985), 'ussr');
    assert.equal(code('cow', '365', 1991), 'ussr');
    assert.equal(code('cow', 365, 1992), 'rus');
    assert.equal(code('cow', 365, 2000), 'rus');
    assert.equal(code('cow', 365, 1900), 'russian-empire');
    assert.equal(code('cow', 365), 'rus', 'without a year, the current holder');
    assert.equal(code('gw', 365, 1985), 'ussr');
    assert.equal(code('vdem', 11, 1985), 'ussr');
    assert.equal(code('vdem', 11, 2000), 'rus');
    assert.equal(code('iso3', 'SUN'), 'ussr');
    assert.equal(code('polity', 364, 1985), 'ussr');
  });

  test('345 is Yugoslavia to 2006; Serbia is COW 345 and GW 340 after', () => {
    assert.equal(code('cow', 345, 1995), 'yug');
    assert.equal(code('cow', 345, 2005), 'yug');
    assert.equal(code('cow', 345, 2006), 'srb');
    assert.equal(code('cow', 345, 2010), 'srb');
    assert.equal(code('gw', 345, 1995), 'yug');
    assert.equal(code('gw', 345, 2006), 'yug');
    // GW never gave 345 to Serbia: after 2006 the code still names Yugoslavia, its last holder.
    assert.equal(code('gw', 345, 2010), 'yug');
    assert.equal(code('gw', 340, 2010), 'srb');
    assert.equal(code('gw', 340, 1995), undefined, 'GW 340 was nobody in 1995');
    assert.equal(code('gw', 340, 1900), 'serbia-kingdom');
    assert.equal(code('cow', 345, 1900), 'serbia-kingdom');
    assert.equal(code('cow', 341, 2010), 'mne');
    assert.equal(code('cow', 347, 2010), 'kos');
    assert.equal(code('polity', 347, 1999), 'yug', 'PITF/Polity number Serbia and Montenegro 347');
    assert.equal(code('polity', 347, 2010), 'kos', 'falls back to COW when Polity lists nothing');
    assert.equal(code('iso2', 'CS', 2004), 'yug', 'CS was Serbia and Montenegro 2003-2006');
    assert.equal(code('iso2', 'CS', 1985), 'csk', 'and Czechoslovakia before');
    assert.equal(code('iso2', 'CS', 1995), undefined);
  });

  test('Germany: COW 255/260/265, GW 260 continues for unified Germany', () => {
    assert.equal(code('gw', 260, 1995), 'deu');
    assert.equal(code('gw', 260, 1990), 'frg');
    assert.equal(code('gw', 260, 1980), 'frg');
    assert.equal(code('cow', 260, 1980), 'frg');
    assert.equal(code('cow', 265, 1980), 'gdr');
    assert.equal(code('cow', 255, 1938), 'reich');
    assert.equal(code('cow', 255, 1995), 'deu');
    assert.equal(code('cow', 255, 1980), 'frg', 'EWP-derived data code the Federal Republic 255');
    assert.equal(code('iso3', 'DDR'), 'gdr');
    assert.equal(code('isoN', 280), 'frg');
    assert.equal(code('vdem', 77, 1980), 'frg');
    assert.equal(code('vdem', 77, 2000), 'deu');
  });

  test('Sudan and South Sudan (2011)', () => {
    assert.equal(code('cow', 625, 2011), 'sdn');
    assert.equal(code('cow', 626, 2011), 'ssd');
    assert.equal(code('gw', 626, 2015), 'ssd');
    assert.equal(code('iso3', 'SSD', 2015), 'ssd');
    assert.equal(code('polity', 626, 2012), 'sdn', 'Polity/PITF renumber Sudan 626 after 2011');
    assert.equal(code('polity', 525, 2012), 'ssd');
    assert.equal(code('isoN', 736, 2005), 'sdn');
    assert.equal(code('isoN', 729, 2015), 'sdn');
    assert.equal(name('Sudan-North', 2012), 'sdn');
    assert.ok(registry.byId('ssd')?.predecessors.includes('sdn'));
    assert.ok(registry.byId('sdn')?.successors.includes('ssd'));
  });

  test('Yemen: North (678), South (680), unified (COW 679, GW 678)', () => {
    assert.equal(code('cow', 678, 1980), 'yar');
    assert.equal(code('cow', 680, 1980), 'ymd');
    assert.equal(code('cow', 679, 1995), 'yem');
    assert.equal(code('gw', 678, 1980), 'yar');
    assert.equal(code('gw', 678, 1990), 'yar', 'GW-coded data carry both Yemens in 1990');
    assert.equal(code('gw', 678, 1995), 'yem');
    assert.equal(code('gw', 680, 1980), 'ymd');
    assert.equal(code('iso3', 'YMD'), 'ymd');
    assert.equal(code('isoN', 886), 'yar');
    assert.equal(code('isoN', 887), 'yem');
    assert.deepEqual(registry.byId('yem')?.predecessors, ['yar', 'ymd']);
  });

  test('Czechoslovakia (315), Czech Republic (316), Slovakia (317)', () => {
    assert.equal(code('cow', 315, 1980), 'csk');
    assert.equal(code('cow', 316, 2000), 'cze');
    assert.equal(code('cow', 317, 2000), 'svk');
    assert.equal(code('vdem', 157, 1980), 'csk', 'V-Dem carries Czechoslovakia under the Czech id');
    assert.equal(code('vdem', 157, 2000), 'cze');
    assert.equal(code('iso3', 'CSK'), 'csk');
  });

  test('Vietnam, Ethiopia and Eritrea, Pakistan and Bangladesh, Zanzibar, Timor-Leste, Namibia', () => {
    assert.equal(code('cow', 816, 1970), 'vdr');
    assert.equal(code('cow', 816, 1980), 'vnm');
    assert.equal(code('gw', 817, 1970), 'rvn');
    assert.equal(code('vdemText', 'VDR', 1970), 'rvn', "V-Dem's text id for South Vietnam");
    assert.equal(code('iso3', 'VDR'), 'vdr', "ISO's code for North Vietnam");
    assert.equal(code('cow', 530, 2000), 'eth');
    assert.equal(code('cow', 531, 2000), 'eri');
    assert.equal(code('polity', 529, 2000), 'eth');
    assert.equal(code('isoN', 230, 1980), 'eth');
    assert.equal(code('cow', 770, 1965), 'pak');
    assert.equal(code('polity', 769, 1965), 'pak');
    assert.equal(code('cow', 771, 1975), 'bgd');
    assert.equal(code('cow', 511, 1964), 'zanzibar');
    assert.deepEqual(registry.byId('zanzibar')?.successors, ['tza']);
    assert.equal(code('iso3', 'TMP'), 'tls');
    assert.equal(code('cow', 860, 2005), 'tls');
    assert.equal(code('iso2', 'NA'), 'nam', 'Namibia, not a missing value');
  });

  test('codes in any spelling', () => {
    assert.equal(code('cow', '700.0', 2000), 'afg');
    assert.equal(code('isoN', '004'), 'afg');
    assert.equal(code('iso3', ' afg '), 'afg');
    assert.equal(code('cow', 'abc'), undefined);
  });

  test('codesOf gives the code per system valid that year', () => {
    const deu = registry.byId('deu') as Country;
    assert.deepEqual(registry.codesOf(deu, 1995), {
      cow: '255',
      gw: '260',
      iso3: 'DEU',
      iso2: 'DE',
      isoN: '276',
      vdem: '77',
      vdemText: 'DEU',
    });
    const frg = registry.byId('frg') as Country;
    assert.deepEqual(registry.codesOf(frg, 1980), {
      cow: '260',
      gw: '260',
      isoN: '280',
      vdem: '77',
      vdemText: 'DEU',
    });
    assert.equal(registry.codesOf(registry.byId('rus') as Country).cow, '365');
    assert.equal(registry.codesOf(registry.byId('yug') as Country, 1980).iso2, 'YU');
    assert.equal(registry.codesOf(registry.byId('yug') as Country, 2004).iso2, 'CS');
  });
});

describe('back-casts placed on a predecessor', () => {
  test("Serbia's figures of 1992-2005 stand for the Federal Republic of Yugoslavia", () => {
    const srb = registry.byId('srb')!;
    assert.equal(registry.backcastOf(srb, 1992)?.id, 'yug');
    assert.equal(registry.backcastOf(srb, 2005)?.id, 'yug');
    // The Socialist Federal Republic before, and Serbia itself from 2006, are not.
    assert.equal(registry.backcastOf(srb, 1991), undefined);
    assert.equal(registry.backcastOf(srb, 2006), undefined);
    assert.equal(registry.backcastOf(registry.byId('mne')!, 1996), undefined);
    // The lookup itself is not loosened: the code is Serbia's in every year.
    assert.equal(code('iso3', 'SRB', 1996), 'srb');
  });
});

describe('names', () => {
  test("accents, quotes and word order: Côte d'Ivoire", () => {
    for (const n of [
      "Côte d'Ivoire",
      "Cote D'Ivoire",
      'Cote D’Ivoire',
      "COTE D'IVOIRE",
      'Côte d’Ivoire',
      'Ivory Coast',
      "Ivory Coast (Cote d'Ivoire)",
    ]) {
      assert.equal(name(n), 'civ', n);
    }
  });

  test('punctuation, "&"/"and", leading "The", abbreviations, bracketed notes', () => {
    assert.equal(name('Bosnia & Herzegovina'), 'bih');
    assert.equal(name('Bosnia-Herzegovina'), 'bih');
    assert.equal(name('The Gambia'), 'gmb');
    assert.equal(name('Gambia, The'), 'gmb');
    assert.equal(name('St. Lucia'), 'lca');
    assert.equal(name('Korea, Rep.'), 'kor');
    assert.equal(name('Republic of Korea'), 'kor');
    assert.equal(name('Congo, Dem. Rep.'), 'cod');
    assert.equal(name('Congo, the Democratic Republic of the'), 'cod');
    assert.equal(name('Congo, Rep.'), 'cog');
    assert.equal(name('Congo'), 'cog');
    assert.equal(name('Türkiye'), 'tur');
    assert.equal(name('São Tomé and Príncipe'), 'stp');
    assert.equal(name('Sudan '), 'sdn');
    assert.equal(name('Cambodia (Kampuchea)'), 'khm');
    assert.equal(
      name('Myanmar (Burma) [Union of]'),
      'mmr',
      'an unknown note falls back to the base name',
    );
    assert.equal(name('Germany (East)'), 'gdr', 'a known note is kept');
  });

  test('the year picks between states sharing a name', () => {
    assert.equal(name('Russia', 1970), 'ussr');
    assert.equal(name('Russia', 2000), 'rus');
    assert.equal(name('Russia', 1850), 'russian-empire');
    assert.equal(name('Russia'), 'rus');
    assert.equal(name('Germany', 1930), 'reich');
    assert.equal(name('Germany', 1970), 'frg');
    assert.equal(name('Germany', 1990), 'deu');
    assert.equal(name('Germany'), 'deu');
    assert.equal(name('German Federal Republic', 1970), 'frg');
    assert.equal(name('German Federal Republic', 2000), 'deu');
    assert.equal(name('Serbia', 1995), 'yug');
    assert.equal(name('Serbia', 2010), 'srb');
    assert.equal(name('Serbia', 1900), 'serbia-kingdom');
    assert.equal(name('Yemen', 1980), 'yar');
    assert.equal(name('Yemen', 2000), 'yem');
    assert.equal(name('Yemen Arab Republic', 2000), 'yem', 'HIEF keeps the name after 1990');
    assert.equal(name('Vietnam', 1970), 'vdr');
    assert.equal(name('Vietnam', 1990), 'vnm');
    assert.equal(name('Czechia', 1980), 'csk', 'V-Dem names its Czechoslovak series Czechia');
    assert.equal(name('Czechia', 2000), 'cze');
    assert.equal(name('Korea', 1900), 'korea');
    assert.equal(name('Korea', 1950), 'kor');
    assert.equal(name('Austria', 1850), 'austria-hungary');
    assert.equal(name('Austria', 1950), 'aut');
    assert.equal(name('Prussia', 1850), 'reich');
    assert.equal(name('Wuerttemburg', 1850), 'wuerttemberg');
  });

  test('nameKeys', () => {
    assert.deepEqual(nameKeys('Russia (Soviet Union)'), {
      full: 'russia soviet union',
      base: 'russia',
    });
    assert.equal(
      normaliseName('Korea, Dem. People’s Rep.'),
      normaliseName("Democratic People's Republic of Korea"),
    );
    assert.equal(normaliseName('Saint Kitts & Nevis'), normaliseName('St. Kitts and Nevis'));
  });
});

describe('resolve (for `lens countries resolve`)', () => {
  const ids = (q: string, opts?: Parameters<CountryRegistry['resolve']>[1]) =>
    registry.resolve(q, opts).map((c) => c.id);

  test('numbers as COW, GW, ISO numeric and V-Dem ids', () => {
    assert.deepEqual(ids('365', { year: 1985 }).slice(0, 1), ['ussr']);
    assert.deepEqual(ids('365', { year: 2000 }).slice(0, 1), ['rus']);
    assert.deepEqual(ids('260'), ['frg', 'deu']);
    assert.equal(ids('77', { year: 1980 })[0], 'frg', 'V-Dem id');
    assert.equal(ids('276')[0], 'deu', 'ISO numeric');
    assert.deepEqual(ids('260', { from: 'gw', year: 1995 }), ['deu', 'frg']);
  });

  test('text as ISO codes, V-Dem text ids, registry ids and names', () => {
    assert.equal(ids('DE')[0], 'deu');
    assert.equal(ids('DEU')[0], 'deu');
    // ISO's YEM names unified Yemen in every year (sources back-cast it); V-Dem's was North Yemen.
    assert.deepEqual(ids('YEM', { year: 1980 }), ['yem', 'yar']);
    assert.deepEqual(ids('YEM', { from: 'vdemText', year: 1980 }), ['yar', 'yem']);
    assert.equal(ids('ZZB')[0], 'zanzibar');
    assert.equal(ids('serbia-kingdom')[0], 'serbia-kingdom');
    // A name unified Yemen only inherited (some sources keep the North's formal name for it)
    // means, without a year, the state that bore it: North Yemen, COW 678.
    assert.deepEqual(ids('Yemen Arab Republic'), ['yar', 'yem']);
    assert.equal(registry.codesOf(registry.byId(ids('Yemen Arab Republic')[0]!)!).cow, '678');
    assert.equal(ids('Yemen')[0], 'yem', "unified Yemen's own name");
    assert.equal(ids('Yemen Arab Republic', { year: 2000 })[0], 'yem');
    assert.equal(ids('Ivory Coast')[0], 'civ');
    assert.deepEqual(ids('Yemen', { year: 1980 }), ['yar', 'yem']);
    assert.deepEqual(ids('Yugoslavia', { from: 'name' }), ['yug']);
    assert.deepEqual(ids('nowhere'), []);
  });
});

describe('non-country names', () => {
  test('aggregates, territories and sub-national units have a reason', () => {
    for (const n of [
      'World',
      'Arab World',
      'Euro area',
      'High income',
      'Sub-Saharan Africa',
      'Hong Kong SAR, China',
    ]) {
      assert.ok(registry.nonCountryReason(n), n);
      assert.equal(registry.fromName(n), undefined, n);
    }
    assert.match(
      registry.nonCountryReason('Puerto Rico (US)') ?? '',
      /territory of the United States/,
    );
    assert.ok(registry.nonCountryReason('WLD'), 'World Bank aggregate code');
    assert.ok(registry.nonCountryReason('ABW', 'iso3'), 'territory by ISO code');
    assert.ok(registry.nonCountryReason('167', 'vdem'), 'Hong Kong in V-Dem');
    assert.equal(registry.nonCountryReason('France'), undefined);
    assert.deepEqual(registry.resolve('World'), []);
  });

  test("no non-country name or code is also a country's", () => {
    const file = join(countriesDir(), 'non-country-names.json');
    const nonCountries = JSON.parse(readFileSync(file, 'utf8')) as NonCountryName[];
    assert.deepEqual(validateNonCountryNames(nonCountries, registry.all()), []);
  });
});

describe('validation', () => {
  const base = (id: string, extra: Partial<Country> = {}): Country => ({
    id,
    name: id.toUpperCase(),
    codes: [],
    aliases: [],
    predecessors: [],
    successors: [],
    ...extra,
  });

  test('names the entry, its index and the field', () => {
    const messages = validateCountries([
      base('old', {
        to: 1991,
        codes: [{ system: 'cow', code: '365', to: 1991 }],
        successors: ['new'],
      }),
      base('new', { from: 1990, codes: [{ system: 'cow', code: '365', from: 1990 }] }),
      base('new'),
      base('Bad Id', { from: 2000, to: 1990, predecessors: ['ghost'] }),
      base('iso', { codes: [{ system: 'iso3', code: 'de' }] }),
    ]);
    assert.deepEqual(messages, [
      'countries[2] (id "new"): id: duplicate of countries[1]',
      'countries[3] (id "Bad Id"): id: expected a lower-case slug such as "rus" or "serbia-kingdom"',
      'countries[3] (id "Bad Id"): from/to: from 2000 is after to 1990',
      'countries[1] (id "new"): codes[0] (cow 365, 1990-): overlaps countries[0] (id "old") codes[0] (-1991); a code may belong to one country at a time',
      'countries[4] (id "iso"): codes[0] (iso3 "de"): expected three capital letters',
      'countries[0] (id "old"): successors: "new" does not list "old" in its predecessors',
      'countries[3] (id "Bad Id"): predecessors: unknown id "ghost"',
    ]);
  });

  test('back-casts go onto a predecessor that existed over the years, before the state did', () => {
    const note = 'why';
    const messages = validateCountries([
      base('fed', { from: 1918, to: 2006, successors: ['rump', 'other'] }),
      base('rump', {
        from: 2006,
        predecessors: ['fed'],
        backcastTo: [
          { country: 'fed', from: 1992, to: 2005, note },
          { country: 'fed', from: 2000, to: 2006, note },
          { country: 'other', from: 1960, to: 1970, note },
          { country: 'fed', from: 1900, to: 1950, note: '' },
        ],
      }),
      base('other', { from: 1991, predecessors: ['fed'] }),
    ]);
    assert.deepEqual(messages, [
      'countries[1] (id "rump"): backcastTo[1] (fed 2000-2006): expected years before "rump" existed (from 2006)',
      'countries[1] (id "rump"): backcastTo[1] (fed 2000-2006): overlaps backcastTo[0]',
      'countries[1] (id "rump"): backcastTo[2] (other 1960-1970): country: expected one of its predecessors (fed)',
      'countries[1] (id "rump"): backcastTo[3] (fed 1900-1950): note: expected why',
      'countries[1] (id "rump"): backcastTo[3] (fed 1900-1950): "fed" did not exist in all those years (1918-2006)',
    ]);
  });

  test('a field the schema does not know is refused at every level, with its path', () => {
    // Misspelt keys as a hand-edited file would have them (the types do not allow them).
    const messages = validateCountries([
      base('old', {
        to: 1991,
        successors: ['new'],
        codes: [{ system: 'cow', code: '365', form: 1816 } as unknown as CountryCode],
        alias: ['Old'],
      } as Partial<Country>),
      base('new', {
        from: 1992,
        predecessors: ['old'],
        backcastTo: [{ country: 'old', from: 1980, to: 1991, notes: 'why' } as unknown as Backcast],
      }),
    ]);
    assert.deepEqual(messages, [
      'countries[0] (id "old"): alias: unknown field (expected one of id, name, from, to, codes, aliases, predecessors, successors, extraCodes, backcastTo, note)',
      'countries[0] (id "old"): codes[0].form: unknown field (expected one of system, code, from, to, note)',
      'countries[1] (id "new"): backcastTo[0].notes: unknown field (expected one of country, from, to, note)',
      'countries[1] (id "new"): backcastTo[0] (old 1980-1991): note: expected why',
    ]);
    const non = [
      { name: 'World', reason: 'aggregate', codes: [{ sytem: 'iso3', code: 'WLD' }] },
      { name: 'Euro area', reasons: 'aggregate' },
    ] as unknown as NonCountryName[];
    assert.deepEqual(validateNonCountryNames(non, []).slice(0, 4), [
      'non-country names[0] ("World"): codes[0].sytem: unknown field (expected one of system, code)',
      'non-country names[0] ("World"): codes[0]: system "undefined": expected one of cow, gw, iso3, iso2, isoN, vdem, vdemText',
      'non-country names[1] ("Euro area"): reasons: unknown field (expected one of name, reason, aliases, codes)',
      'non-country names[1] ("Euro area"): reason: expected why it is not a country',
    ]);
  });

  test('non-country entries may not shadow a country', () => {
    const countries = [base('fra', { name: 'France', codes: [{ system: 'iso3', code: 'FRA' }] })];
    const non: NonCountryName[] = [
      { name: 'France', reason: 'x' },
      { name: 'World', reason: '', codes: [{ system: 'iso3', code: 'FRA' }] },
    ];
    assert.deepEqual(validateNonCountryNames(non, countries), [
      'non-country names[0] ("France"): name "France" is also a name of country "fra"',
      'non-country names[1] ("World"): reason: expected why it is not a country',
      'non-country names[1] ("World"): codes[0] (iso3 FRA) is also a code of country "fra"',
    ]);
  });
});

describe('suggestions for a misspelt name', () => {
  test('a letter missing, swapped, wrong or added finds the country; nonsense finds none', () => {
    const names = (q: string) => registry.suggest(q).map((c) => c.name);
    assert.deepEqual(names('Sudn'), ['Sudan']);
    assert.equal(names('Myanmr')[0], 'Myanmar');
    assert.equal(names('Nigeira')[0], 'Nigeria');
    assert.equal(names('Bangldesh')[0], 'Bangladesh');
    assert.ok(names('Nigr').includes('Niger'));
    assert.deepEqual(names('Qwxzv'), []);
    assert.deepEqual(names(''), []);
  });
});
