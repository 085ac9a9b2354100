import type { Evidence } from '../core/planning/facts.js';
import { isCommitted } from '../core/planning/capacity.js';
import type { Plan } from '../core/planning/plan.js';

/**
 * A plan as a country brief in Markdown, for an analyst to send: the risk, the situation, the
 * proposed measures with why and who, the pitfalls with their evidence, the coherence check.
 */

function evidenceText(e: Evidence): string {
  const value = typeof e.value === 'number' ? Number(e.value.toPrecision(4)) : e.value;
  const where = [e.year, e.source, e.variable].filter((x) => x !== undefined).join(', ');
  return `${e.label}${value === undefined ? '' : `: ${value}`}${where ? ` (${where})` : ''}`;
}

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;

/** The Markdown brief of a plan. */
export function planToMarkdown(plan: Plan): string {
  const lines: string[] = [];
  const r = plan.risk;
  lines.push(`# ${plan.name}: prevention brief as of ${plan.asOf}`, '');
  lines.push('## Risk', '');
  lines.push(
    `- Structural tier: **${r.tier ?? 'not assessed'}**${r.score === null ? '' : ` (score ${r.score.toFixed(2)} of 4)`}`,
  );
  lines.push(
    `- Escalation stage: **${r.stage ?? 'unknown'}**${r.imminent ? ' — **atrocities look imminent**' : ''}`,
  );
  if (r.forecast)
    lines.push(
      `- Forecast of a mass-killing onset: ${pct(r.forecast.probability)} (rank ${r.forecast.rank} of ${r.forecast.of}, origin ${r.forecast.origin})`,
    );
  lines.push('', '## Situation', '');
  const s = plan.situation;
  lines.push(
    `Primary: **${s.primary}**${s.override ? ` (analyst judgement by ${s.override.by}: ${s.override.reason}; source: ${s.override.source}; the data alone give ${s.computed})` : ''}.`,
    '',
  );
  for (const f of s.findings) lines.push(`- ${f.kind}: ${f.evidence.map(evidenceText).join('; ')}`);
  lines.push('', `## Plan: ${plan.mode}`, '', plan.modeReason + '.', '');
  plan.measures.forEach((m, i) => {
    lines.push(
      `### ${i + 1}. ${m.title} (${m.agenda}, ${m.area}, effect in ${m.timeToEffect})`,
      '',
    );
    const answers = [
      ...m.answers.factors.map((f) => `${f.title} (severity ${f.severity})`),
      ...m.answers.indicators.map((x) => `${x.title}${x.redFlag ? ' (red flag)' : ''}`),
    ];
    lines.push(`- Answers: ${answers.join('; ')}`);
    if (m.fit.length > 0) lines.push(`- Fit: ${m.fit.join('; ')}`);
    const committed = m.providers.filter((p) => isCommitted(p.commitment));
    lines.push(
      m.gap
        ? `- **Capacity gap**: no actor with at least medium commitment covers it here${m.providers.length ? ` (could: ${m.providers.map((p) => `${p.name}, ${p.commitment}`).join('; ')})` : ''}`
        : `- Who can act: ${committed.map((p) => `${p.name}${p.illustrative ? ' (illustrative)' : ''}, ${p.commitment}`).join('; ')}`,
    );
    if (m.lessons.length > 0)
      lines.push(`- Record: ${m.lessons.map((c) => `${c.title} (${c.verdict})`).join('; ')}`);
    lines.push('');
  });
  if (plan.deferred.length > 0) {
    lines.push('### Deferred', '');
    for (const d of plan.deferred) lines.push(`- ${d.title}: ${d.reason}`);
    lines.push('');
  }
  lines.push('## Pitfalls', '');
  if (plan.pitfalls.length === 0) lines.push('None of the known pitfalls applies on the data.');
  for (const p of plan.pitfalls) {
    lines.push(`### ${p.title}`, '', p.warning, '');
    lines.push(`- Measures concerned: ${p.measures.join(', ')}`);
    lines.push(`- Evidence: ${p.evidence.map(evidenceText).join('; ')}`, '');
  }
  lines.push('', '## Coherence', '');
  for (const t of plan.coherence.tensions) lines.push(`- ${t.a} and ${t.b}: ${t.note}`);
  for (const b of plan.coherence.balance) lines.push(`- ${b}`);
  if (plan.coherence.tensions.length + plan.coherence.balance.length === 0)
    lines.push('No tension between the proposed measures.');
  if (plan.activities.length > 0) {
    lines.push('', '## Activities under way', '');
    for (const a of plan.activities)
      lines.push(
        `- ${a.actor}${a.illustrative ? ' (illustrative)' : ''}: ${a.currentUse} [${a.measureId}]`,
      );
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n') + '\n';
}
