import type { Evidence } from '../core/planning/facts.js';
import { isCommitted } from '../core/planning/capacity.js';
import type { Plan } from '../core/planning/plan.js';

/**
 * A plan as a country brief in Markdown, for an analyst to send: first whom to dissuade and
 * whom to protect, which agenda leads and the pitfalls with their evidence; then the risk,
 * the situation, the proposed measures with why and who, the coherence check.
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
  lines.push('## Who', '');
  lines.push('Likely perpetrators, to be dissuaded:', '');
  if (plan.actors.dissuade.length === 0) lines.push('- none identified on the data');
  for (const a of plan.actors.dissuade)
    lines.push(
      `- **${a.name}** (${a.kind}; confidence ${a.confidence}): ${a.evidence.map(evidenceText).join('; ')}`,
    );
  lines.push('', 'Groups at risk, to be protected:', '');
  if (plan.actors.protect.length === 0) lines.push('- none identified on the data');
  for (const g of plan.actors.protect)
    lines.push(
      `- **${g.group}** (confidence ${g.confidence}): ${g.evidence.map(evidenceText).join('; ')}`,
    );
  lines.push(
    '',
    `## Lead: ${plan.lead === 'both' ? 'conflict and atrocity prevention' : `${plan.lead} prevention`}`,
    '',
  );
  lines.push(`${plan.leadReason.charAt(0).toUpperCase()}${plan.leadReason.slice(1)}.`, '');
  if (plan.judgement) {
    const j = plan.judgement;
    const who = [
      j.situation
        ? `situation ${j.situation.situation} (${j.situation.by}: ${j.situation.reason})`
        : '',
      j.stage ? `stage ${j.stage.stage} (${j.stage.by}: ${j.stage.reason})` : '',
    ].filter(Boolean);
    lines.push(
      `Analyst judgement: ${who.join('; ')}. The data alone give lead ${j.computed.lead}, mode ${j.computed.mode}, stage ${j.computed.stage ?? 'unknown'} and first ${j.computed.measures.slice(0, 5).join(', ')}.`,
      '',
    );
  }
  lines.push('## Pitfalls', '');
  if (plan.pitfalls.length === 0) lines.push('None of the known pitfalls applies on the data.');
  for (const p of plan.pitfalls) {
    lines.push(`### ${p.title}`, '', p.warning, '');
    lines.push(`- Measures concerned: ${p.measures.join(', ') || 'none proposed'}`);
    if (p.keptOut) lines.push(`- Kept out of the plan for this reason: ${p.keptOut.join(', ')}`);
    lines.push(`- Evidence: ${p.evidence.map(evidenceText).join('; ')}`);
    if (p.cases.length > 0) lines.push(`- Cases: ${p.cases.join(', ')}`);
    lines.push('');
  }
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
  if (plan.capacity.note) lines.push(`Capacity: ${plan.capacity.note}.`, '');
  for (const u of plan.capacity.uncoordinated)
    lines.push(`- ${u.measureId}: ${u.actors.join(', ')} cover it here without coordinating`);
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
    lines.push(
      `- Why here: ${m.why.map((w) => `${w.part} ${w.points > 0 ? '+' : ''}${w.points} (${w.note})`).join('; ')}`,
    );
    if (m.targets.length > 0)
      lines.push(
        `- ${m.aim === 'at-risk' ? 'Protects' : m.aim === 'perpetrators' ? 'Aimed at' : 'Acts on'}: ${m.targets.join('; ')}`,
      );
    const committed = m.providers.filter((p) => isCommitted(p.commitment));
    lines.push(
      !plan.capacity.map
        ? `- Who can act: unknown (${plan.capacity.note})`
        : m.gap
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
