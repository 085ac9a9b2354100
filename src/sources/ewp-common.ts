/**
 * Facts shared by the Early Warning Project's files (predictors, base data, episode list).
 *
 * Publication lag: the 2025 assessment's replication files (data through 2024) were posted
 * in early September 2025, and earlier assessments followed the same yearly rhythm (autumn
 * of the following year), so a year's EWP-coded values become public about 9 months after
 * it ends.
 */
export const EWP = {
  publisher:
    'Early Warning Project: Simon-Skjodt Center for the Prevention of Genocide, United States Holocaust Memorial Museum, with Dartmouth College',
  licence:
    'Replication files published openly without a stated licence; free to use for research and analysis with attribution to the Early Warning Project.',
  citation:
    'Early Warning Project (2025). Statistical Risk Assessment 2025: replication files. United States Holocaust Memorial Museum and Dartmouth College. https://github.com/EarlyWarningProject/2025-Statistical-Risk-Assessment',
  url: 'https://github.com/EarlyWarningProject/2025-Statistical-Risk-Assessment',
  version: '2025 assessment',
  publicationLagMonths: 9,
} as const;
