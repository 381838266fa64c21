// Record pages for risks, techniques, mitigations and case studies, rendered in the page from
// /api/records/{id} and /api/records/{id}/related. Every linked record is an <a data-record>
// that main.js opens in place.

import { el, prose, formatNumber } from './dom.js';
import { TYPE_LABELS } from './api.js';
import { compareValues } from './facets.js';
import { renderRichText, referenceList } from './rich-text.js';

const LIST_LIMIT = 40;

// related: the /related answer, or null when it could not be had (the page then lists the
// record's links in their stored order and has no Related risks section).
// ctx: {href(id) -> url for a record link, permalink(id), onCopy(text, what), onBack()}
export function renderRecord(container, rec, related, ctx) {
  const bodies = { technique: techniqueBody, mitigation: mitigationBody, 'case-study': caseStudyBody };
  const body = (bodies[rec.type] || riskBody)(rec, related, ctx);
  container.replaceChildren(
    el('nav', { class: 'record-nav', 'aria-label': 'Back to results' },
      el('button', { type: 'button', class: 'link-button back-button', onclick: ctx.onBack }, '← Back to results')),
    el('article', { class: ['record', `record-${rec.type}`], 'aria-labelledby': 'record-title' }, body),
  );
}

export function citationFor(rec, permalink, versions) {
  if (rec.type === 'risk') {
    const source = rec.source || {};
    const evidence = (rec.evidence || []).find((ev) => ev.text);
    const quote = (evidence && evidence.text) || rec.description || '';
    const page = evidence && evidence.page ? evidence.page : '';
    const parts = [];
    if (source.title) parts.push(`${source.title}.`);
    if (source.quickref) parts.push(`QuickRef: ${source.quickref}.`);
    // Most of the repository's descriptions come in quotes of their own.
    if (quote) parts.push(`"${quote.trim().replace(/^["“]([\s\S]*)["”]$/, '$1')}"`);
    if (page) parts.push(`(p. ${page}).`);
    parts.push(`AI Risk Repository, risk ${rec.id} (${rec.title}). ${permalink}`);
    return parts.join(' ');
  }
  const atlas = versions && versions.atlas_version ? ` ${versions.atlas_version}` : '';
  return `MITRE ATLAS${atlas}, ${rec.id}: ${rec.full_title || rec.name || rec.title}. ${permalink}`;
}

function header(rec, ctx, extra) {
  return el('header', { class: 'record-header' },
    el('div', { class: 'record-kicker' },
      badge(rec.type),
      el('span', { class: 'record-id' }, rec.id),
      extra.kicker),
    el('h1', { id: 'record-title', class: 'record-title', tabindex: '-1' }, rec.title || rec.name || rec.id),
    extra.lead,
    extra.tags && extra.tags.length ? el('ul', { class: 'tag-list record-tags', 'aria-label': 'Classification' },
      extra.tags.map((t) => el('li', { class: 'tag' }, t))) : null,
    el('div', { class: 'record-actions' },
      // No data-record: the permalink is followed, not opened inside the current search.
      el('a', { class: 'button button-quiet', href: ctx.permalink(rec.id) }, 'Permalink'),
      el('button', {
        type: 'button',
        class: 'button button-quiet',
        onclick: () => ctx.onCopy(ctx.absolutePermalink(rec.id), 'Link'),
      }, 'Copy link'),
      el('button', {
        type: 'button',
        class: 'button button-quiet',
        onclick: () => ctx.onCopy(ctx.citation(rec), 'Citation'),
      }, 'Copy citation')));
}

function riskBody(rec, related, ctx) {
  const f = rec.facets || {};
  const mitigations = byRelevance(rec.mitigations, related && related.mitigations);
  const techniques = byRelevance(rec.techniques, related && related.techniques);
  const counts = rec.counts || {};
  const domain = facetText(f.domain);
  const evidence = rec.evidence || [];
  const source = rec.source || {};
  return [
    header(rec, ctx, {
      lead: rec.description ? el('blockquote', { class: 'record-quote' }, prose(rec.description)) : null,
      tags: [domain, facetText(f.subdomain), facetText(f.timing)].filter(Boolean),
    }),
    section('Record summary', 'A quick snapshot of what this page covers.',
      stats([
        ['Techniques', formatNumber(counts.techniques ?? (rec.techniques || []).length),
          'Attack methods connected to this risk.'],
        ['Mitigations', formatNumber(counts.mitigations ?? (rec.mitigations || []).length),
          'Defences that may help with related attacks.'],
        ['Domain', domain || '—', 'The broad risk area this belongs to.'],
      ])),
    section('Risk profile', 'How this risk is described and categorised.',
      definitions([
        ['Domain', domain],
        ['Subdomain', facetText(f.subdomain)],
        ['Entity', facetText(f.entity)],
        ['Intent', facetText(f.intent)],
        ['Timing', facetText(f.timing)],
        ['Category', rec.category],
        ['Subcategory', rec.subcategory],
        ['Level', rec.level],
        ['Evidence ID', rec.ev_id],
      ])),
    section('Source', 'Research source for this risk.',
      evidence.map((ev) => el('figure', { class: 'evidence' },
        el('blockquote', { class: 'record-quote' }, prose(ev.text)),
        ev.page ? el('figcaption', { class: 'evidence-page' }, `Page ${ev.page}`) : null)),
      definitions([
        ['Paper', source.title],
        ['QuickRef', source.quickref],
        ['Paper ID', source.paper_id],
        ['Page', evidence.map((ev) => ev.page).filter(Boolean).join(', ')],
      ])),
    relatedRisks(rec, related, ctx),
    section(seenInTitle(rec.case_studies || []),
      'Case studies that used a technique linked to this risk, with the techniques that tie them: real incidents first, then red-team exercises, newest first.',
      caseStudyList(rec.case_studies, ctx, 'No case study used a technique linked to this risk.', { ties: true }),
      { id: 'seen-in-incidents' }),
    section(`Suggested mitigations (${formatNumber(mitigations.length)})`,
      `Defences that may help with the attack techniques linked to this risk${related ? ', most relevant first' : ''}.`,
      cards(mitigations, (m) => mitigationCard(m, ctx), 'No mitigations are linked to this risk.')),
    section(`Linked techniques (${formatNumber(techniques.length)})`,
      `MITRE ATLAS attack techniques connected to this risk${related ? ', most relevant first' : ''}.`,
      cards(techniques, (t) => techniqueCard(t, ctx), 'No techniques are linked to this risk.')),
  ];
}

function techniqueBody(rec, related, ctx) {
  const counts = rec.counts || {};
  const mitigations = byRelevance(rec.mitigations, related && related.mitigations);
  const tactics = (rec.tactics || []).map((t) => t.name || t.id);
  return [
    header(rec, ctx, {
      kicker: rec.maturity ? el('span', { class: 'tag tag-quiet' }, `Maturity: ${rec.maturity}`) : null,
      lead: [
        rec.parent ? el('p', { class: 'record-parent' }, 'Sub-technique of ', recordLink(rec.parent.id, rec.parent.name, ctx)) : null,
        description(rec),
      ],
      tags: tactics,
    }),
    section('Record summary', 'A quick snapshot of what this page covers.',
      stats([
        ['Risks', formatNumber(counts.risks ?? (rec.risks || []).length), 'AI risks this technique is linked to.'],
        ['Mitigations', formatNumber(counts.mitigations ?? (rec.mitigations || []).length),
          'Defences that may help against it.'],
        ['Tactics', tactics.join(', ') || '—', 'The adversary goals it serves.'],
      ])),
    section('Technique profile', null,
      definitions([
        ['Tactics', tactics.join(', ')],
        ['Maturity', rec.maturity],
        ['Parent technique', rec.parent ? recordLink(rec.parent.id, `${rec.parent.id} ${rec.parent.name}`, ctx) : null],
        ['Sub-techniques', (rec.subtechniques || []).length
          ? el('ul', { class: 'inline-list' }, rec.subtechniques.map((s) => el('li', null, recordLink(s.id, `${s.id} ${s.name}`, ctx))))
          : null],
        ['Created', rec.created],
        ['Modified', rec.modified],
      ])),
    section(`Mitigations (${formatNumber(mitigations.length)})`,
      `Defences that may help against this technique${related ? ', most relevant first' : ''}.`,
      cards(mitigations, (m) => mitigationCard(m, ctx), 'No mitigations are listed for this technique.')),
    section(`Case studies (${formatNumber((rec.case_studies || []).length)})`,
      'Real incidents and red-team exercises that used this technique: incidents first, newest first.',
      caseStudyList(rec.case_studies, ctx, 'No case study used this technique.')),
    section(`Linked risks (${formatNumber((rec.risks || []).length)})`, 'AI risks this technique is linked to.',
      riskList(rec.risks, ctx, 'No risks are linked to this technique.')),
    references(rec),
    relatedRisks(rec, related, ctx),
  ];
}

function mitigationBody(rec, related, ctx) {
  const f = rec.facets || {};
  const techniques = byRelevance(rec.techniques, related && related.techniques);
  const counts = rec.counts || {};
  const categories = facetList(f.category);
  const lifecycle = facetList(sortedFacet('lifecycle', f.lifecycle));
  return [
    header(rec, ctx, {
      lead: description(rec),
      tags: categories,
    }),
    section('Record summary', 'A quick snapshot of what this page covers.',
      stats([
        ['Techniques', formatNumber(counts.techniques ?? (rec.techniques || []).length), 'Attack techniques it addresses.'],
        ['Risks', formatNumber(counts.risks ?? (rec.risks || []).length), 'AI risks it may help with.'],
        ['Category', categories.join(', ') || '—', 'The kind of defence.'],
      ])),
    section('Mitigation profile', null,
      definitions([
        ['Category', categories.length ? tagList(categories) : null],
        ['Lifecycle stages', lifecycle.length ? tagList(lifecycle, 'tag-stage') : null],
        ['Created', rec.created],
        ['Modified', rec.modified],
      ])),
    section(`Techniques addressed (${formatNumber(techniques.length)})`,
      `How this mitigation is used against each technique${related ? ', most relevant first' : ''}.`,
      cards(techniques, (t) => techniqueCard(t, ctx), 'No techniques are listed for this mitigation.')),
    section(`Linked risks (${formatNumber((rec.risks || []).length)})`, 'AI risks whose techniques this mitigation addresses.',
      riskList(rec.risks, ctx, 'No risks are linked to this mitigation.')),
    references(rec),
    relatedRisks(rec, related, ctx),
  ];
}

function mitigationCard(m, ctx) {
  const lifecycle = [...(m.lifecycle || [])]
    .sort((a, b) => compareValues('lifecycle', a.value, b.value))
    .map((l) => l.label || l.value);
  const categories = (m.categories || []).map((c) => c.label || c.value);
  return el('li', { class: 'card', dataset: { id: m.id } },
    el('h3', { class: 'card-title' }, recordLink(m.id, m.name, ctx), ' ', el('span', { class: 'record-id' }, m.id)),
    m.use ? el('div', { class: 'card-text' }, formatted(m.use_doc, m.use)) : null,
    el('dl', { class: 'card-meta' },
      sharedWords(m.words),
      lifecycle.length ? [el('dt', null, 'Lifecycle'), el('dd', null, tagList(lifecycle, 'tag-stage'))] : null,
      categories.length ? [el('dt', null, 'Category'), el('dd', null, tagList(categories))] : null));
}

function techniqueCard(t, ctx) {
  const tactics = (t.tactics || []).map((x) => x.name || x.id);
  const words = sharedWords(t.words);
  return el('li', { class: 'card', dataset: { id: t.id } },
    el('h3', { class: 'card-title' }, recordLink(t.id, t.name, ctx), ' ', el('span', { class: 'record-id' }, t.id)),
    t.use ? el('div', { class: 'card-text' }, formatted(t.use_doc, t.use, REFERENCE_SCOPE)) : null,
    words || tactics.length || t.origin ? el('dl', { class: 'card-meta' },
      words,
      tactics.length ? [el('dt', null, 'Tactics'), el('dd', null, tagList(tactics))] : null,
      t.origin ? [el('dt', null, 'Linked by'), el('dd', { class: 'origin' }, t.origin)] : null) : null);
}

// The words that tie a linked record to the page's record, as a card-meta row.
function sharedWords(words) {
  if (!Array.isArray(words) || words.length === 0) return null;
  return [el('dt', null, 'Shared words'), el('dd', null, wordChips(words))];
}

function wordChips(words) {
  return el('ul', { class: 'tag-list word-chips', 'aria-label': 'Shared words' },
    words.map((w) => el('li', { class: 'tag tag-word' }, w)));
}

// Risks from other source papers that describe the same risk (or, for a technique or a
// mitigation, whose text is closest to it), most similar first.
function relatedRisks(rec, related, ctx) {
  if (!related) return null;
  const items = Array.isArray(related.related) ? related.related : [];
  const intro = rec.type === 'risk'
    ? 'Risks from other source papers described in similar words, most similar first.'
    : `Risks described in words close to this ${(TYPE_LABELS[rec.type] || 'record').toLowerCase()}, most similar first.`;
  const list = items.length
    ? el('ul', { class: 'related-list' }, items.map((r) => el('li', { class: 'related-item', dataset: { id: r.id } },
      el('div', { class: 'related-head' }, recordLink(r.id, r.title, ctx)),
      el('div', { class: 'related-meta' },
        el('span', { class: 'record-id' }, r.id),
        r.source ? el('span', { class: 'related-source' }, 'Source: ', el('cite', null, r.source)) : null,
        Array.isArray(r.words) && r.words.length ? wordChips(r.words) : null))))
    : el('p', { class: 'muted' }, rec.type === 'risk'
      ? 'No other source paper describes a risk like this one.'
      : 'No risk is described in words close to this record.');
  return el('section', { class: 'record-section record-related', 'aria-labelledby': 'related-risks-title' },
    el('h2', { id: 'related-risks-title' }, `Related risks (${formatNumber(items.length)})`),
    el('p', { class: 'section-intro' }, intro),
    list);
}

// `items` (linked records with an id) in the order `ranked` (from /related) lists them, each
// with the words that tie it to the record; items `ranked` does not list keep their order, last.
function byRelevance(items, ranked) {
  const list = items || [];
  if (!Array.isArray(ranked)) return list;
  const rank = new Map(ranked.map((r, i) => [r.id, { i, words: Array.isArray(r.words) ? r.words : [] }]));
  return list
    .map((item, j) => ({ item, r: rank.get(item.id), order: rank.has(item.id) ? rank.get(item.id).i : ranked.length + j }))
    .sort((a, b) => a.order - b.order)
    .map(({ item, r }) => (r ? { ...item, words: r.words } : item));
}

function riskList(risks, ctx, emptyText) {
  const items = risks || [];
  if (items.length === 0) return el('p', { class: 'muted' }, emptyText);
  const list = el('ul', { class: 'link-list' });
  const renderItems = (limit) => {
    list.replaceChildren(...items.slice(0, limit).map((r) => el('li', null,
      el('span', { class: 'record-id' }, r.id), ' ', recordLink(r.id, r.title || r.id, ctx))));
  };
  renderItems(LIST_LIMIT);
  if (items.length <= LIST_LIMIT) return list;
  const more = el('button', { type: 'button', class: 'link-button' }, `Show all ${formatNumber(items.length)}`);
  more.addEventListener('click', () => {
    renderItems(items.length);
    more.remove();
  });
  return [list, more];
}

// The References list of every record page (one per page, so one scope).
const REFERENCE_SCOPE = 'record';

// ATLAS text as formatted nodes, or plain text (risks, our own records) as paragraphs.
// `scope`: citations point into the page's References list.
function formatted(doc, text, scope) {
  return Array.isArray(doc) && doc.length ? renderRichText(doc, { scope }) : prose(text);
}

function description(rec) {
  return el('div', { class: 'record-description' }, formatted(rec.description_doc, rec.description, REFERENCE_SCOPE));
}

function references(rec) {
  const list = referenceList(rec.references, REFERENCE_SCOPE);
  if (!list) return null;
  return section(`References (${formatNumber(rec.references.length)})`, 'Sources the text above cites.', list,
    { class: 'record-section record-references', id: 'references' });
}

const KIND_LABELS = { incident: 'Incident', exercise: 'Exercise' };

// An incident date as precise as it was published: "2020", "2020-02" or "2020-02-01".
export function formatIncidentDate(date, precision) {
  if (!date) return '';
  if (precision === 'year') return date.slice(0, 4);
  if (precision === 'month') return date.slice(0, 7);
  return date;
}

function caseStudyTags(c) {
  return [
    c.kind ? el('span', { class: ['tag', `tag-${c.kind}`] }, KIND_LABELS[c.kind] || c.kind) : null,
    c.incident_date ? el('span', { class: 'case-date' }, formatIncidentDate(c.incident_date, c.date_precision)) : null,
  ];
}

// The heading counts what the list below it holds: incidents and exercises.
function seenInTitle(caseStudies) {
  const incidents = caseStudies.filter((c) => c.kind === 'incident').length;
  return `Seen in case studies (${formatNumber(caseStudies.length)}: ${formatNumber(incidents)} ${incidents === 1 ? 'incident' : 'incidents'})`;
}

// Case studies, in the order the server gives (incidents first, newest first). opts.ties:
// list the techniques that tie each to the page's record.
function caseStudyList(items, ctx, emptyText, opts = {}) {
  const list = items || [];
  if (list.length === 0) return el('p', { class: 'muted' }, emptyText);
  return el('ul', { class: 'case-list' }, list.map((c) => el('li', { class: 'case-item', dataset: { id: c.id, kind: c.kind || '' } },
    el('div', { class: 'case-head' }, recordLink(c.id, c.name, ctx), ' ', el('span', { class: 'record-id' }, c.id)),
    el('div', { class: 'case-meta' }, caseStudyTags(c),
      opts.ties && Array.isArray(c.techniques) && c.techniques.length
        ? el('span', { class: 'case-ties' }, 'Through ', c.techniques.map((t, i) => [i ? ', ' : '', recordLink(t.id, t.name, ctx)]))
        : null))));
}

function tacticHref(id) {
  return `?${new URLSearchParams({ tactic: id })}`;
}

// A tactic of an attack chain: every record of that tactic (opened in the page by main.js).
function tacticLink(tactic) {
  return el('a', { class: 'tag chain-tactic', href: tacticHref(tactic.id), dataset: { tactic: tactic.id } }, tactic.name || tactic.id);
}

// The procedure of a case study as an attack chain: each step its tactic, technique and what was done.
function attackChain(rec, ctx) {
  const steps = rec.procedure || [];
  if (steps.length === 0) return el('p', { class: 'muted' }, 'No procedure is recorded for this case study.');
  return el('ol', { class: 'attack-chain' }, steps.map((s) => el('li', { class: 'chain-step', dataset: { technique: (s.technique && s.technique.id) || '' } },
    el('div', { class: 'chain-head' },
      s.tactic && s.tactic.id ? tacticLink(s.tactic) : null,
      ' ',
      s.technique && s.technique.known
        ? recordLink(s.technique.id, s.technique.name, ctx)
        : el('span', { class: 'chain-technique-unknown' }, (s.technique && s.technique.id) || ''),
      ' ', el('span', { class: 'record-id' }, (s.technique && s.technique.id) || '')),
    el('div', { class: 'chain-text' }, formatted(s.description_doc, s.description, REFERENCE_SCOPE)))));
}

function caseStudyBody(rec, related, ctx) {
  const steps = rec.procedure || [];
  const date = formatIncidentDate(rec.incident_date, rec.date_precision);
  const kind = KIND_LABELS[rec.kind] || rec.kind || '';
  return [
    header(rec, ctx, {
      kicker: rec.kind ? el('span', { class: ['tag', `tag-${rec.kind}`] }, kind) : null,
      lead: description(rec),
      tags: [kind, date].filter(Boolean),
    }),
    section('Record summary', 'A quick snapshot of what this page covers.',
      stats([
        ['Kind', kind || '—', rec.kind === 'incident' ? 'It happened to a real system.' : 'A planned test or research demonstration.'],
        ['Date', date || '—', 'When it happened, as precisely as published.'],
        ['Steps', formatNumber(steps.length), 'Actions in the attack chain.'],
      ])),
    section('Case study profile', null,
      definitions([
        ['Kind', kind],
        ['Incident date', date],
        ['Target', rec.target],
        ['Actor', rec.actor],
        ['Reported by', rec.reporter],
      ])),
    section(`Attack chain (${formatNumber(steps.length)} steps)`,
      'What the actor did, step by step: the ATLAS tactic (the goal) and technique (the means) of each.',
      attackChain(rec, ctx), { class: 'record-section record-chain', id: 'attack-chain' }),
    references(rec),
    relatedRisks(rec, related, ctx),
  ];
}

function cards(items, render, emptyText) {
  if (!items || items.length === 0) return el('p', { class: 'muted' }, emptyText);
  return el('ul', { class: 'card-list' }, items.map(render));
}

function section(title, intro, ...content) {
  const attrs = content.length && content[content.length - 1] && content[content.length - 1].constructor === Object
    ? content.pop() : {};
  return el('section', { class: 'record-section', ...attrs },
    el('h2', null, title),
    intro ? el('p', { class: 'section-intro' }, intro) : null,
    content);
}

function stats(rows) {
  return el('dl', { class: 'stat-grid' }, rows.map(([term, value, note]) => el('div', { class: 'stat' },
    el('dt', null, term),
    el('dd', { class: 'stat-value' }, value),
    el('dd', { class: 'stat-note' }, note))));
}

function definitions(rows) {
  const present = rows.filter(([, value]) => value !== undefined && value !== null && value !== '');
  if (present.length === 0) return null;
  return el('dl', { class: 'definition-list' }, present.map(([term, value]) => el('div', { class: 'definition' },
    el('dt', null, term), el('dd', null, value))));
}

function tagList(labels, extraClass) {
  return el('ul', { class: 'tag-list' }, labels.map((l) => el('li', { class: ['tag', extraClass] }, l)));
}

function badge(type) {
  return el('span', { class: ['badge', `badge-${type}`] }, TYPE_LABELS[type] || type);
}

export function recordLink(id, text, ctx) {
  return el('a', { href: ctx.href(id), 'data-record': id }, text || id);
}

function sortedFacet(name, value) {
  if (!Array.isArray(value)) return value;
  return [...value].sort((a, b) => compareValues(name, a.value, b.value));
}

function facetList(value) {
  if (!value) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => v.label || v.value).filter(Boolean);
}

function facetText(value) {
  return facetList(value).join(', ');
}
