import { describe, it } from 'node:test';
import { readEpisodes } from '../../src/sources/ewp-episodes.js';
import { readPitf } from '../../src/sources/pitf.js';
import { readUcdpBattleDeaths } from '../../src/sources/ucdp-brd.js';
import { collect, rejectsInput, tempFile } from './helpers.js';

const EPISODE_HEADER =
  'country,mk_event_name,mk_event_summary,startyear,endyear,mk_event_code,State-Led or Non-State-Led,mk_number_eth_groups,mk_location_cow,mk_location_inheritor1,mk_location_inheritor2,mk_repsonsible_state_cow,mk_repsonsible_state_inheritor1,mk_repsonsible_state_inheritor2\n';

async function rejectsRows(
  name: string,
  content: string,
  read: (path: string) => AsyncIterable<unknown>,
  where: { line: number; column: string },
  mentions: string[],
): Promise<void> {
  const { path, cleanup } = tempFile(name, content);
  try {
    await rejectsInput(() => collect(read(path)), { file: path, ...where }, mentions);
  } finally {
    cleanup();
  }
}

describe('row checks of the episode, PITF and UCDP readers', () => {
  it('episodes: a repeated code names both lines', () =>
    rejectsRows(
      'episodes.csv',
      `${EPISODE_HEADER}Syria,a,"s",2011,,syr2011s1,State-Led,2,652,652,,652,652,\nSyria,b,"s",2012,,syr2011s1,State-Led,2,652,652,,652,652,\n`,
      readEpisodes,
      { line: 3, column: 'mk_event_code' },
      ['"syr2011s1" appears twice, on lines 2 and 3'],
    ));

  it('episodes: an end before the start', () =>
    rejectsRows(
      'episodes.csv',
      `${EPISODE_HEADER}Syria,a,"s",2011,2009,syr2011s1,State-Led,2,652,652,,652,652,\n`,
      readEpisodes,
      { line: 2, column: 'endyear' },
      ['ends (2009) before it starts (2011)'],
    ));

  it('episodes: a state-led cell of another kind', () =>
    rejectsRows(
      'episodes.csv',
      `${EPISODE_HEADER}Syria,a,"s",2011,,syr2011s1,Both,2,652,652,,652,652,\n`,
      readEpisodes,
      { line: 2, column: 'State-Led or Non-State-Led' },
      ['"Both"', 'Non-State-Led'],
    ));

  it('PITF: an unknown problem type', () =>
    rejectsRows(
      'pitf.csv',
      'COUNTRY,SCODE,CCODE,YEAR,MOBEGIN,YRBEGIN,MOEND,YREND,PTYPE,DEATHMAG,DESC,DESC2\nSudan,SUD,625,1956,10,1956,3,1972,7,1,,\n',
      readPitf,
      { line: 2, column: 'PTYPE' },
      ['"7" is not a PITF problem type'],
    ));

  it('PITF: a row whose type needs columns the file lacks', () =>
    rejectsRows(
      'pitf.csv',
      'COUNTRY,SCODE,CCODE,YEAR,MOBEGIN,YRBEGIN,MOEND,YREND,PTYPE,DEATHMAG,DESC,DESC2\nSudan,SUD,625,1956,10,1956,3,1972,1,1,,\n',
      readPitf,
      { line: 2, column: 'AVEMAG' },
      ['ethnic war', 'AVEMAG, MAGFIGHT'],
    ));

  it('UCDP: a dyad listed twice for one year', () =>
    rejectsRows(
      'ucdp.csv',
      'conflict_id,dyad_id,location_inc,year,bd_best,bd_low,bd_high,type_of_conflict,gwno_loc\n1,10,Mali,2012,30,20,40,3,432\n1,10,Mali,2012,30,20,40,3,432\n',
      readUcdpBattleDeaths,
      { line: 3, column: 'dyad_id' },
      ['dyad 10 appears twice for 2012, on lines 2 and 3'],
    ));

  it('UCDP: a location that is not a list of codes', () =>
    rejectsRows(
      'ucdp.csv',
      'conflict_id,dyad_id,location_inc,year,bd_best,bd_low,bd_high,type_of_conflict,gwno_loc\n1,10,Mali,2012,30,20,40,3,"432, Mali"\n',
      readUcdpBattleDeaths,
      { line: 2, column: 'gwno_loc' },
      ['"Mali"', 'Gleditsch-Ward'],
    ));
});
