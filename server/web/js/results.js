// The result list and what surrounds it: status line, did-you-mean, active filter chips,
// empty state and pagination. Pure rendering: every action goes back through callbacks.

import { el, appendSnippet, formatNumber, plural } from './dom.js';
import { FACET_NAMES, FACET_TITLES, TYPE_LABELS } from './api.js';
import { hasFilters } from './url-state.js';

// The main facets shown under a hit of each type, in this order (the type is the badge).
const HIT_FACETS = {
  risk: ['subdomain', 'domain', 'entity', 'intent', 'timing'],
  technique: ['tactic'],
  mitigation: ['category', 'lifecycle'],
  'case-study': ['kind', 'year', 'tactic'],
};
const HIT_FACET_LIMIT = 6;

export function statusText(answer, state) {
  const count = plural(answer.total, 'result', 'results');
  const shown = answer.corrected && answer.suggestion ? answer.suggestion : state.q;
  const query = shown ? ` for “${shown}”` : '';
  const ms = Number(answer.took_ms);
  const took = Number.isFinite(ms) ? ` · ${ms < 10 ? ms.toFixed(1) : formatNumber(Math.round(ms))} ms` : '';
  return `${count}${query}${took}`;
}

// What a screen reader is told of an answer, once typing pauses (announce() in main.js): the count
// without the timing, what was widened or corrected (the notices say it on screen), and the page.
export function announcementText(answer, state) {
  const count = plural(answer.total, 'result', 'results');
  const parts = [`${count}${state.q ? ` for “${state.q}”` : ''}`];
  if (answer.corrected && answer.suggestion) parts.push(`showing results for “${answer.suggestion}”`);
  if (answer.relaxed) parts.push('no record has every word; showing records with some of them');
  const perPage = Number(answer.per_page) || 20;
  const pages = Math.ceil((Number(answer.total) || 0) / perPage);
  const page = Number(answer.page) || 1;
  if (pages > 1 && page <= pages) parts.push(`page ${formatNumber(page)} of ${formatNumber(pages)}`);
  return parts.join('; ');
}

export function renderNotices(container, answer, state, { onSearch }) {
  container.replaceChildren();
  if (answer.corrected && answer.suggestion) {
    const replaced = replacedWords(state.q, answer.suggestion);
    const corrected = el('button', { type: 'button', class: 'link-button', onclick: () => onSearch(answer.suggestion) },
      `“${answer.suggestion}”`);
    container.append(replaced.length
      ? el('p', { class: 'notice notice-corrected' },
        struckWords(replaced), ` ${replaced.length === 1 ? 'is' : 'are'} in no record; showing results for `, corrected, '.')
      : el('p', { class: 'notice notice-corrected' },
        'No results for ', el('strong', null, `“${state.q}”`), '; showing results for ', corrected, '.'));
  } else if (answer.suggestion) {
    container.append(el('p', { class: 'notice' },
      'Did you mean ',
      el('button', { type: 'button', class: 'link-button suggestion-link', onclick: () => onSearch(answer.suggestion) },
        answer.suggestion), '?'));
  }
  if (answer.relaxed && answer.relaxation) {
    const shown = answer.corrected && answer.suggestion ? answer.suggestion : state.q;
    container.append(relaxedNotice(answer.relaxation, shown, hasFilters(state)));
  }
  if (answer.interpreted_literally) {
    container.append(el('p', { class: 'notice notice-quiet' },
      'The query syntax could not be read, so its words were searched literally.'));
  }
  container.hidden = container.childElementCount === 0;
}

// Says how a relaxed answer was widened: how many of the query's words its records hold, and
// which words no record holds at all. `query` is the query that was run.
function relaxedNotice(relaxation, query, filtered) {
  const words = relaxation.words || [];
  const dropped = relaxation.dropped_words || [];
  const min = Number(relaxation.min_matched) || 0;
  const best = Number(relaxation.best_matched) || 0;
  const n = words.length;
  const nowhere = filtered ? 'in no record that matches the filters' : 'in no record';
  const parts = [];
  if (best === 0) {
    // Only the query's required parts (phrases, scoped words) matched.
    parts.push(struckWords(dropped), ` ${dropped.length === 1 ? 'is' : 'are'} ${nowhere}; showing records without `,
      dropped.length === 1 ? 'it.' : 'them.');
    return el('p', { class: 'notice notice-relaxed' }, parts);
  }
  // The counted words are named when they are not simply the words typed (some were left out).
  const typed = String(query || '').trim().split(/\s+/).filter(Boolean).length;
  const which = typed !== n ? ` (${joinWords(words)})` : '';
  const allWords = n === 2 ? 'both words' : `all ${formatNumber(n)} words`;
  if (best < n) {
    parts.push(`No record has ${allWords}${which}; showing records with ${range(min, best)} of them.`);
  } else {
    // A few records hold every word; records holding fewer were added after them.
    parts.push(`Only a few records have ${allWords}${which}; also showing records with ${range(min, n - 1)} of them.`);
  }
  if (dropped.length) {
    parts.push(' ', struckWords(dropped), ` ${dropped.length === 1 ? 'is' : 'are'} ${nowhere}.`);
  }
  return el('p', { class: 'notice notice-relaxed' }, parts);
}

function range(low, high) {
  if (low >= high) return formatNumber(high);
  if (low === 0) return `up to ${formatNumber(high)}`;
  return `${formatNumber(low)}–${formatNumber(high)}`;
}

// "a", "a and b", "a, b and c"
function joinWords(words) {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

// The words as <s> elements, joined like joinWords.
function struckWords(words) {
  const out = [];
  words.forEach((word, i) => {
    if (i > 0) out.push(i === words.length - 1 ? ' and ' : ', ');
    out.push(el('s', { class: 'struck-word' }, word));
  });
  return out;
}

// The words of `q` that a spelling correction replaced: words are compared position by position
// (punctuation such as quotes aside), so nothing is returned when the counts differ.
function replacedWords(q, suggestion) {
  const words = (text) => String(text || '').trim().split(/\s+/).filter(Boolean);
  const bare = (word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  const typed = words(q);
  const fixed = words(suggestion);
  if (typed.length === 0 || typed.length !== fixed.length) return [];
  return typed.filter((word, i) => word !== fixed[i]).map(bare).filter(Boolean);
}

// chips: [{name, value, label}] of the ticked facet values.
export function renderChips(container, chips, { onRemove, onClearAll }) {
  container.replaceChildren();
  container.hidden = chips.length === 0;
  if (chips.length === 0) return;
  container.append(
    el('span', { class: 'chips-title', id: 'chips-title' }, 'Filters:'),
    el('ul', { class: 'chip-list', 'aria-labelledby': 'chips-title' }, chips.map((chip) => el('li', null,
      el('button', {
        type: 'button',
        class: 'chip',
        'aria-label': `Remove filter ${FACET_TITLES[chip.name]}: ${chip.label}`,
        onclick: () => onRemove(chip.name, chip.value),
      },
      el('span', { class: 'chip-facet' }, `${FACET_TITLES[chip.name]}:`), ' ',
      el('span', { class: 'chip-label' }, chip.label),
      el('span', { class: 'chip-x', 'aria-hidden': 'true' }, '×'))))),
    el('button', { type: 'button', class: 'link-button clear-all', onclick: onClearAll }, 'Clear all'),
  );
}

// relaxation: the `relaxation` of a widened answer, so each hit says which query words it lacks
// and offers to require each one another hit holds (`query`: the query that was run).
export function renderHits(list, hits, { href, relaxation = null, query = '', onSearch }) {
  const missingOf = (hit) => (relaxation && Array.isArray(hit.missing_words) ? hit.missing_words : []);
  // Requiring a word a hit on screen holds keeps that hit, so the answer it asks for is never empty
  // (a word in no record, or in none that the filters, required parts and exclusions leave, is not offered).
  const held = new Set((relaxation && relaxation.words || []).filter((w) => hits.some((h) => !missingOf(h).includes(w))));
  list.replaceChildren(...hits.map((hit) => {
    const snippet = el('p', { class: 'hit-snippet' });
    appendSnippet(snippet, hit.snippet);
    const facets = hitFacetLabels(hit.type, hit.facets || {});
    const missing = missingOf(hit);
    return el('li', { class: 'hit', dataset: { id: hit.id } },
      el('div', { class: 'hit-head' },
        el('span', { class: ['badge', `badge-${hit.type}`] }, TYPE_LABELS[hit.type] || hit.type),
        el('span', { class: 'record-id' }, hit.id)),
      el('h3', { class: 'hit-title' }, el('a', { href: href(hit.id), 'data-record': hit.id }, hit.title || hit.id)),
      snippet.childNodes.length ? snippet : null,
      missing.length ? el('p', { class: 'hit-missing' }, 'Missing: ', missing.map((word, i) => [
        i > 0 ? ', ' : null, el('s', { class: 'struck-word' }, word)]),
      mustInclude(missing.filter((word) => held.has(word)), query, onSearch)) : null,
      facets.length ? el('ul', { class: 'tag-list hit-facets', 'aria-label': 'Classification' },
        facets.map((f) => el('li', { class: 'tag', title: FACET_TITLES[f.name] }, f.label))) : null);
  }));
}

// " · Must include: a, b": each word a button that runs `query` with that word required.
function mustInclude(words, query, onSearch) {
  const offers = onSearch ? words.map((word) => ({ word, q: requireWord(query, word) })).filter((o) => o.q) : [];
  if (offers.length === 0) return null;
  return el('span', { class: 'must-include' }, ' · Must include: ', offers.map((o, i) => [
    i > 0 ? ', ' : null,
    el('button', { type: 'button', class: 'link-button', 'aria-label': `Must include “${o.word}”`, onclick: () => onSearch(o.q) },
      o.word)]));
}

const OPERATORS = new Set(['AND', 'OR', 'NOT', 'XOR']);

// `q` with `word` marked required (`+word`) where it is typed as a plain word: the first token so
// spelt outside a quoted phrase and beside no operator (the server reports a relaxed word as typed,
// punctuation included). Null when there is none. The spacing is kept: the server splits on ASCII
// whitespace only, so a no-break space stays inside a word.
export function requireWord(q, word) {
  const parts = String(q || '').split(/([ \t\n\v\f\r]+)/);  // words at even indexes
  let quoted = false;
  for (let i = 0; i < parts.length; i += 2) {
    const operand = OPERATORS.has(parts[i - 2]) || OPERATORS.has(parts[i + 2]);
    if (word && !quoted && !operand && parts[i] === word) {
      parts[i] = `+${word}`;
      return parts.join('');
    }
    if (parts[i].split('"').length % 2 === 0) quoted = !quoted;
  }
  return null;
}

function hitFacetLabels(type, facets) {
  const out = [];
  for (const name of HIT_FACETS[type] || ['subdomain', 'domain', 'tactic', 'category']) {
    if (name === 'domain' && facets.subdomain) continue;
    const value = facets[name];
    if (!value) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      const label = v.label || v.value;
      if (label && out.length < HIT_FACET_LIMIT) out.push({ name, label });
    }
  }
  return out;
}

// Says why nothing matched and offers to drop each filter with one click.
export function renderEmpty(container, state, chips, { onRemove, onClearAll, onClearQuery }) {
  const reasons = [];
  if (state.q && chips.length) {
    reasons.push(el('p', null, 'No records match ', el('strong', null, `“${state.q}”`),
      ` with the ${chips.length === 1 ? 'filter' : `${chips.length} filters`} below.`));
  } else if (state.q) {
    reasons.push(el('p', null, 'No records match ', el('strong', null, `“${state.q}”`),
      '. Check the spelling, use fewer words, or try a broader term.'));
  } else if (chips.length) {
    reasons.push(el('p', null, 'No record has all of the selected filters together.'));
  } else {
    reasons.push(el('p', null, 'The index holds no records.'));
  }
  const actions = chips.map((chip) => el('li', null,
    el('button', { type: 'button', class: 'button button-quiet', onclick: () => onRemove(chip.name, chip.value) },
      `Remove ${FACET_TITLES[chip.name]}: ${chip.label}`)));
  if (chips.length > 1) {
    actions.push(el('li', null, el('button', { type: 'button', class: 'button button-quiet', onclick: onClearAll }, 'Clear all filters')));
  }
  if (state.q && chips.length) {
    actions.push(el('li', null, el('button', { type: 'button', class: 'button button-quiet', onclick: onClearQuery },
      `Search all records without “${state.q}”`)));
  }
  // replaceChildren() would write a null as the text "null".
  container.replaceChildren(
    el('h2', { class: 'empty-title' }, 'No results'),
    ...reasons,
    ...(actions.length ? [el('ul', { class: 'empty-actions' }, actions)] : []),
  );
}

export function renderPagination(nav, answer, { href, onPage }) {
  nav.replaceChildren();
  const perPage = Number(answer.per_page) || 20;
  const pages = Math.max(1, Math.ceil((Number(answer.total) || 0) / perPage));
  const page = Number(answer.page) || 1;
  // Past the last page the results box offers the first page; a pager would name a page not shown.
  nav.hidden = pages <= 1 || page > pages;
  if (nav.hidden) return;

  const link = (target, text, label, extra = {}) => {
    const a = el('a', { href: href(target), class: 'page-link', 'aria-label': label, ...extra }, text);
    a.addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      onPage(target);
    });
    return a;
  };
  const items = [];
  items.push(page > 1 ? link(page - 1, '‹ Previous', 'Previous page', { rel: 'prev' })
    : el('span', { class: 'page-link is-disabled', 'aria-hidden': 'true' }, '‹ Previous'));
  for (const p of pageWindow(page, pages)) {
    if (p === null) items.push(el('span', { class: 'page-gap', 'aria-hidden': 'true' }, '…'));
    else if (p === page) items.push(el('span', { class: 'page-link is-current', 'aria-current': 'page' }, String(p)));
    else items.push(link(p, String(p), `Page ${p}`));
  }
  items.push(page < pages ? link(page + 1, 'Next ›', 'Next page', { rel: 'next' })
    : el('span', { class: 'page-link is-disabled', 'aria-hidden': 'true' }, 'Next ›'));
  nav.append(el('ul', { class: 'pagination' }, items.map((item) => el('li', null, item))),
    el('p', { class: 'page-summary' }, `Page ${formatNumber(page)} of ${formatNumber(pages)}`));
}

function pageWindow(page, pages) {
  const wanted = new Set([1, pages, page - 1, page, page + 1]);
  if (page <= 3) [2, 3, 4].forEach((p) => wanted.add(p));
  if (page >= pages - 2) [pages - 1, pages - 2, pages - 3].forEach((p) => wanted.add(p));
  const sorted = [...wanted].filter((p) => p >= 1 && p <= pages).sort((a, b) => a - b);
  const out = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1] > 1) out.push(null);
    out.push(p);
  });
  return out;
}

// The chips for the ticked values, labelled with what the facet panel has seen.
// The filters in force: those ticked, then values typed in the query ("domain:2 poisoning"), which
// the answer marks selected.
export function activeChips(state, labelFor, answer = null) {
  const chips = [];
  for (const name of FACET_NAMES) {
    for (const value of state.filters[name]) chips.push({ name, value, label: labelFor(name, value) });
  }
  const facets = (answer && answer.facets) || {};
  for (const name of FACET_NAMES) {
    for (const v of facets[name] || []) {
      if (v.selected && !state.filters[name].includes(v.value)) chips.push({ name, value: v.value, label: labelFor(name, v.value) });
    }
  }
  return chips;
}
