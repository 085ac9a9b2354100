/**
 * Facts shared by the two World Development Indicators formats (the CSV extract and the API).
 *
 * Publication lag: the World Bank publishes most indicators for a year in its July update of
 * the following year (some national-accounts series earlier, some social series later), so a
 * year's values become public about 6 months after it ends.
 */
export const WDI = {
  publisher: 'World Bank',
  licence: 'Creative Commons Attribution 4.0 (CC BY 4.0), per the World Bank data terms of use.',
  citation:
    'World Bank (2025). World Development Indicators. Washington, DC: The World Bank. https://databank.worldbank.org/source/world-development-indicators',
  publicationLagMonths: 6,
} as const;
