/**
 * The page for a country the registry does not know (`#/country/sudn`): what was asked,
 * the countries it may have meant, and the way back to the watchlist and the map.
 */
import { ApiError } from '../api.js';
import { countryList } from '../data.js';
import { h, replace } from '../dom.js';
import { link } from '../router.js';
import { suggestCountries } from '../suggest.js';
import { pageTitle } from '../ui.js';

/** Whether an error of the API says the country parameter names no country. */
export function isUnknownCountry(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 404) return true;
  const errors = (error.problem.errors ?? []) as { field?: string }[];
  return error.status === 400 && errors.some((e) => e.field === 'country' || e.field === 'id');
}

/** Draws the page for the unknown country `query`, linking to the same view of each suggestion. */
export async function unknownCountryPage(
  main: HTMLElement,
  query: string,
  target: (id: string) => string,
  year: number,
): Promise<void> {
  const near = await countryList().then(
    (all) => suggestCountries(query, all),
    () => [],
  );
  pageTitle('Country not found');
  replace(
    main,
    h(
      'div',
      { class: 'view unknown-country' },
      h('h1', { id: 'view-title', tabindex: -1 }, 'Country not found'),
      h('p', {}, `No country is known as “${query}”.`),
      near.length
        ? h(
            'div',
            { class: 'suggestions' },
            h('p', {}, 'Did you mean:'),
            h(
              'ul',
              { id: 'suggestions' },
              ...near.map((c) => h('li', {}, h('a', { href: target(c.id) }, c.name))),
            ),
          )
        : h('p', {}, 'No country has a similar name or code.'),
      h(
        'p',
        {},
        h('a', { href: link('/watchlist', { asOf: year }), id: 'back' }, 'Back to the watchlist'),
        ' or ',
        h('a', { href: link('/world') }, 'the world map'),
        ', where every country is listed.',
      ),
    ),
  );
}
