// riskatlas web UI: wires the URL state to the search and record views.
//
// The URL is the single source of truth: every user action builds the next state,
// pushes it to history and calls sync(), which fetches what the state needs. A search
// answer is shown only if it belongs to the latest request (sequence number + abort).

import * as api from './api.js';
import { el } from './dom.js';
import { FacetPanel } from './facets.js';
import { renderDomainChart } from './chart.js';
import { renderRecord, citationFor } from './record.js';
import {
  statusText, announcementText, renderNotices, renderChips, renderHits, renderEmpty, renderPagination, activeChips,
} from './results.js';
import { SuggestBox } from './suggest.js';
import { copyText } from './clipboard.js';
import {
  parseState, stateToQuery, cloneState, searchKey, recordHref, hasFilters, emptyState, cleanQuery,
} from './url-state.js';

const TYPING_DELAY_MS = 150;
// A change of the same kind as the last (typing, sorting) within this time replaces its history entry;
// after a longer pause it makes an entry of its own, so what was read meanwhile stays in Back's reach.
const SAME_ENTRY_MS = 2000;
// How long an answer stays on screen before a screen reader is told of it (typing pauses about a second).
const ANNOUNCE_DELAY_MS = 1000;
const $ = (id) => document.getElementById(id);

const ui = {
  form: $('search-form'),
  input: $('q'),
  searchButton: document.querySelector('#search-form button[type=submit]'),
  suggestions: $('suggestions'),
  sort: $('sort'),
  exportCsv: $('export-csv'),
  exportJson: $('export-json'),
  layout: $('layout'),
  filtersToggle: $('filters-toggle'),
  facetPanel: $('facet-panel'),
  facets: $('facets'),
  searchView: $('search-view'),
  recordView: $('record-view'),
  status: $('result-status'),
  loading: $('loading'),
  error: $('error'),
  notices: $('notices'),
  chips: $('chips'),
  chartBox: $('chart-box'),
  chart: $('chart'),
  empty: $('empty'),
  hits: $('hits'),
  pagination: $('pagination'),
  versions: $('versions'),
  toast: $('toast'),
  announcer: $('announcer'),
  hint: $('search-hint'),
  resultsHeading: $('results-heading'),
};

let state = urlState();
// What made the current history entry: 'typing' (the box, as it is typed) or 'sort' (the menu, whose
// arrow keys change it a step at a time). The next change of the same kind replaces the entry rather
// than piling one up per keystroke; a submitted search or any other change makes an entry of its own.
let entryKind = '';
let typingTimer = 0;
let entryAt = 0;               // when the current entry was last made or replaced by such a change
// Where Back or Forward should scroll once the page is drawn: the browser would restore the place
// before the answer or record arrives, and lose it. Each entry keeps its own (history.state.scrollY).
window.history.scrollRestoration = 'manual';
let restoreScrollY = null;

let answer = null;           // the last search answer shown
let answerKey = null;        // searchKey() of the state that answer belongs to
let searchSeq = 0;
let searchController = null;
let pendingSearch = null;    // promise of the search in flight, if any

let shownRecordId = '';
// Set when the search box itself opened a record (Enter, a picked suggestion): its title takes the
// focus when it arrives, so a screen reader tells the page changed, unless typing went on meanwhile.
// Otherwise a record shown while the box has focus leaves it there.
let recordFromBox = false;
let recordSeq = 0;
let recordController = null;
let healthInfo = null;

const facetPanel = new FacetPanel(ui.facets, { onToggle: toggleFilter, announce: (text) => announce(text, { delay: 500 }) });
const suggestBox = new SuggestBox(ui.input, ui.suggestions, { onPick: pickSuggestion });

// ---- navigation ----------------------------------------------------------------

function navigate(next, { replace = false, kind = '' } = {}) {
  // A record opened over the results it was found in: "Back to results" then goes back to them.
  const overResults = Boolean(next.record) && !state.record && searchKey(next) === searchKey(state);
  state = next;
  entryKind = kind;
  if (kind) entryAt = Date.now();
  const url = `${window.location.pathname}${stateToQuery(state)}`;
  const entry = overResults ? { overResults: true } : null;
  if (replace) {
    window.history.replaceState(entry, '', url);
  } else {
    saveScroll();
    window.history.pushState(entry, '', url);
  }
  sync();
}

// The current entry was made by a change of this kind, a moment ago.
function sameKindRecently(kind) {
  return entryKind === kind && Date.now() - entryAt < SAME_ENTRY_MS;
}

// The current entry's scroll position, kept a moment after each scroll: Back leaves an entry without
// telling it.
let scrollSaveTimer = 0;
function saveScroll() {
  clearTimeout(scrollSaveTimer);
  window.history.replaceState({ ...(window.history.state || {}), scrollY: window.scrollY }, '');
}

// After Back or Forward, scrolls to where that entry was left, once its page is drawn.
function restoreScroll() {
  if (restoreScrollY === null) return;
  window.scrollTo(0, restoreScrollY);
  restoreScrollY = null;
}

// The state the address holds. An address the state cannot hold as it is (a tab in q, a page past the
// API's window) is replaced by the one it is read as, so the address and the page agree.
function urlState() {
  const read = parseState(window.location.search);
  const canonical = `${window.location.pathname}${stateToQuery(read)}`;
  if (canonical !== `${window.location.pathname}${window.location.search}`) {
    window.history.replaceState(window.history.state, '', `${canonical}${window.location.hash}`);
  }
  return read;
}

function withChanges(change) {
  const next = cloneState(state);
  change(next);
  return next;
}

function toggleFilter(name, value, checked) {
  navigate(withChanges((next) => {
    const values = next.filters[name].filter((v) => v !== value);
    if (checked) values.push(value);
    next.filters[name] = values;
    // A value typed in the query ("domain:2 poisoning") is unticked by taking it out of the query.
    if (!checked) next.q = withoutScope(next.q, name, value);
    next.page = 1;
    next.record = '';
  }));
}

function withoutScope(q, name, value) {
  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const scope = new RegExp(`(^|\\s)\\+?${escape(name)}:"?${escape(value)}"?(?=\\s|$)`, 'gi');
  const out = q.replace(scope, '$1');
  return out === q ? q : out.replace(/\s+/g, ' ').trim();
}

function clearFilters() {
  const typed = answerKey === searchKey(state) ? activeChips(state, () => '', answer) : [];
  navigate(withChanges((next) => {
    next.filters = emptyState().filters;
    for (const { name, value } of typed) next.q = withoutScope(next.q, name, value);
    next.page = 1;
  }));
}

function searchFor(q) {
  ui.input.value = q;
  navigate(withChanges((next) => {
    next.q = q;
    next.page = 1;
    next.record = '';
  }));
}

function openRecord(id) {
  if (!id || id === state.record) return;
  navigate(withChanges((next) => { next.record = id; }));
}

function closeRecord() {
  if (window.history.state && window.history.state.overResults) {
    // The entry below is those results: going back to it keeps history as the user made it (the
    // popstate handler then focuses the hit).
    window.history.back();
    return;
  }
  const id = state.record;
  navigate(withChanges((next) => { next.record = ''; }));
  focusHit(id);
}

// Leaving a record for the results: the focus goes to its hit (the place it was opened from), else to
// the results, never to the page.
function focusHit(id) {
  const link = [...ui.hits.querySelectorAll('a[data-record]')].find((a) => a.dataset.record === id);
  (link || document.getElementById('main')).focus();
}

function recordLinkHref(id) {
  return `${window.location.pathname}${stateToQuery({ ...state, record: id })}`;
}

// Brings the page in line with `state`.
function sync() {
  // While the box has focus its text is the user's, ahead of the state.
  if (document.activeElement !== ui.input) ui.input.value = state.q;
  ui.sort.value = state.sort;
  ui.exportCsv.href = api.exportUrl(state, 'csv');
  ui.exportJson.href = api.exportUrl(state, 'json');
  updateFiltersToggle();

  const showingRecord = Boolean(state.record);
  ui.searchView.hidden = showingRecord;
  ui.resultsHeading.hidden = showingRecord;
  ui.recordView.hidden = !showingRecord;
  ui.layout.classList.toggle('is-record', showingRecord);
  if (showingRecord) {
    showRecord(state.record);
  } else {
    shownRecordId = '';
    if (recordController) recordController.abort();
    setTitle(state.q ? `“${state.q}” · riskatlas` : 'riskatlas · AI risks, ATLAS techniques and mitigations');
    if (searchKey(state) !== answerKey) runSearch();
    else renderAnswer(answer);
  }
}

// ---- search ----------------------------------------------------------------------

function runSearch() {
  const seq = ++searchSeq;
  if (searchController) searchController.abort();
  const controller = new AbortController();
  searchController = controller;
  const key = searchKey(state);
  const requestState = cloneState(state);
  setLoading(true);
  const promise = api.search(requestState, { signal: controller.signal })
    .then((result) => {
      if (seq !== searchSeq) return null;
      answer = result;
      answerKey = key;
      ui.error.hidden = true;
      renderAnswer(result);
      ui.searchView.dataset.settledFor = key;
      return result;
    })
    .catch((err) => {
      if (err.name === 'AbortError' || seq !== searchSeq) return null;
      answer = null;
      answerKey = null;
      showSearchError(err);
      ui.searchView.dataset.settledFor = key;
      return null;
    })
    .finally(() => {
      if (seq === searchSeq) {
        setLoading(false);
        pendingSearch = null;
      }
    });
  pendingSearch = promise;
  return promise;
}

function setLoading(on) {
  ui.loading.hidden = !on;
  ui.searchView.classList.toggle('is-loading', on);
  ui.hits.setAttribute('aria-busy', String(on));
  if (on && !answer) ui.status.textContent = 'Searching…';
}

function showSearchError(err) {
  ui.error.replaceChildren(
    el('strong', null, err.status >= 400 && err.status < 500 ? 'The search could not be run. ' : 'Something went wrong. '),
    el('span', { class: 'error-message' }, err.message),
  );
  ui.error.hidden = false;
  ui.status.textContent = 'Search failed';
  delete ui.status.dataset.total;
  ui.hits.replaceChildren();
  ui.empty.hidden = true;
  ui.notices.hidden = true;
  ui.pagination.hidden = true;
  ui.chartBox.hidden = true;
  renderChips(ui.chips, activeChips(state, (n, v) => facetPanel.labelFor(n, v)), {
    onRemove: (name, value) => toggleFilter(name, value, false),
    onClearAll: clearFilters,
  });
}

// The focused control, when an answer redraws it (a chart bar, a filter chip, a button of the notices,
// of the empty box or of a hit): its element is replaced, and the focus would fall to the page.
// Restored to the control that takes its place, else to the results.
function keepRedrawnFocus() {
  const active = document.activeElement;
  const box = [ui.chips, ui.chart, ui.empty, ui.notices, ui.hits].find((b) => b.contains(active) && b !== active);
  if (!box) return () => {};
  const keyOf = (e) => (e.dataset && e.dataset.value) || e.getAttribute('aria-label') || e.textContent;
  const key = keyOf(active);
  // A control in a box the answer hid (the empty box once there are results) still holds the focus
  // until the browser notices: it is lost all the same.
  const shown = (e) => e.isConnected && !e.closest('[hidden]');
  return () => {
    const focused = document.activeElement;
    if (focused && focused !== document.body && shown(focused)) return;
    const same = [...box.querySelectorAll('button, [role="button"], a')].find((e) => keyOf(e) === key && shown(e));
    (same || document.getElementById('main')).focus({ preventScroll: true });
  };
}

function renderAnswer(result) {
  if (!result) return;
  const restoreFocus = keepRedrawnFocus();
  ui.status.textContent = statusText(result, state);
  ui.status.dataset.total = String(result.total);
  announce(announcementText(result, state), { delay: ANNOUNCE_DELAY_MS, key: searchKey(state) });
  renderNotices(ui.notices, result, state, { onSearch: searchFor });
  facetPanel.render(result.facets || {}, state.filters);

  const chips = activeChips(state, (n, v) => facetPanel.labelFor(n, v), result);
  const chipActions = {
    onRemove: (name, value) => toggleFilter(name, value, false),
    onClearAll: clearFilters,
    onClearQuery: () => searchFor(''),
  };
  renderChips(ui.chips, chips, chipActions);
  drawChart();

  const hits = result.hits || [];
  ui.empty.hidden = hits.length > 0;
  if (hits.length === 0) {
    if (Number(result.total) > 0) {
      ui.empty.replaceChildren(el('p', null, 'This page is past the last result. ',
        el('button', { type: 'button', class: 'link-button', onclick: () => goToPage(1) }, 'Go to the first page')));
    } else {
      renderEmpty(ui.empty, state, chips, chipActions);
    }
  }
  renderHits(ui.hits, hits, {
    href: recordLinkHref,
    relaxation: result.relaxed === true ? result.relaxation || {} : null,
    query: result.corrected && result.suggestion ? result.suggestion : state.q,
    onSearch: searchFor,
  });
  renderPagination(ui.pagination, result, {
    href: (page) => `${window.location.pathname}${stateToQuery({ ...state, page })}`,
    onPage: goToPage,
  });
  restoreFocus();
  restoreScroll();
}

function drawChart() {
  const domain = answer && answer.facets && answer.facets.domain;
  if (!domain || state.record) {
    ui.chartBox.hidden = true;
    return;
  }
  ui.chartBox.hidden = false;
  const selected = new Set([...state.filters.domain, ...domain.filter((v) => v.selected).map((v) => v.value)]);
  renderDomainChart(ui.chart, domain, selected, (value, on) => toggleFilter('domain', value, on));
  if (ui.chart.hidden) ui.chartBox.hidden = true;
}

function goToPage(page) {
  navigate(withChanges((next) => { next.page = page; }));
  ui.status.scrollIntoView({ block: 'nearest' });
  document.getElementById('main').focus({ preventScroll: true });
}

// Enter in the search box: run the typed query now and open its first hit.
async function openFirstHit() {
  clearTimeout(typingTimer);
  commitQuery({ leaveRecord: true, submitted: true });
  const result = pendingSearch ? await pendingSearch : answer;
  const first = result && result.hits && result.hits[0];
  if (first && searchKey(state) === answerKey) {
    recordFromBox = true;
    openRecord(first.id);
  }
}

// The box's text as the state's query. `submitted`: Enter or the Search button, which make a history
// entry of their own and run again a search that failed.
function commitQuery({ leaveRecord = false, submitted = false } = {}) {
  const q = cleanQuery(ui.input.value);
  if (q === state.q && !(leaveRecord && state.record)) {
    if (submitted) {
      entryKind = '';
      if (!state.record && !pendingSearch && answerKey !== searchKey(state)) runSearch();
    }
    return;
  }
  navigate(withChanges((next) => {
    next.q = q;
    next.page = 1;
    next.record = '';
  }), { replace: sameKindRecently('typing'), kind: submitted ? '' : 'typing' });
}

function pickSuggestion(item) {
  if (item.kind === 'record' && item.id) {
    // Keep what was typed as the query behind the record, so Back shows its results.
    clearTimeout(typingTimer);
    const q = cleanQuery(ui.input.value);
    recordFromBox = true;
    navigate(withChanges((next) => {
      if (next.q !== q) {
        next.q = q;
        next.page = 1;
      }
      next.record = item.id;
    }));
  } else {
    searchFor(item.text);
  }
}

// ---- record view -------------------------------------------------------------------

// A character typed on a record title the search box gave the focus to goes to the box: focused
// during keydown, the box receives the character.
function typeIntoBox(event) {
  if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
  ui.input.focus({ preventScroll: true });
}

async function showRecord(id) {
  const returnTo = restoreScrollY;  // Back or Forward: where this record was left
  restoreScrollY = null;
  if (id === shownRecordId) {
    recordFromBox = false;
    if (returnTo !== null) window.scrollTo(0, returnTo);
    return;
  }
  shownRecordId = id;
  const seq = ++recordSeq;
  if (recordController) recordController.abort();
  const controller = new AbortController();
  recordController = controller;
  ui.recordView.setAttribute('aria-busy', 'true');
  ui.recordView.replaceChildren(el('p', { class: 'record-loading' }, `Loading ${id}…`));
  setTitle(`${id} · riskatlas`);
  try {
    // The page does without /related when it fails: the record is shown without that section.
    const [rec, related] = await Promise.all([
      api.record(id, { signal: controller.signal }),
      api.related(id, { signal: controller.signal }).catch((err) => {
        if (err.name === 'AbortError') throw err;
        return null;
      }),
    ]);
    if (seq !== recordSeq) return;
    renderRecord(ui.recordView, rec, related, {
      href: recordLinkHref,
      permalink: (rid) => `${window.location.pathname}${recordHref(rid)}`,
      absolutePermalink,
      citation: (r) => citationFor(r, absolutePermalink(r.id), healthInfo && healthInfo.versions),
      onCopy: copyAndTell,
      onBack: closeRecord,
    });
    // A sub-technique by its full name, as hits list it: "Direct" alone says little in a tab.
    setTitle(`${rec.full_title || rec.title || rec.name || rec.id} · riskatlas`);
    // Back or Forward returns to the place it was read at; a record opened anew starts at its top.
    window.scrollTo(0, returnTo === null ? 0 : returnTo);
    const title = document.getElementById('record-title');
    if (title && (recordFromBox || document.activeElement !== ui.input)) {
      title.focus({ preventScroll: true });
      // Typing on after Enter, once the record came: the keys belong to the box, not to the title.
      if (recordFromBox) title.addEventListener('keydown', typeIntoBox);
    }
  } catch (err) {
    if (err.name === 'AbortError' || seq !== recordSeq) return;
    shownRecordId = '';
    ui.recordView.replaceChildren(
      el('nav', { class: 'record-nav' },
        el('button', { type: 'button', class: 'link-button back-button', onclick: closeRecord }, '← Back to results')),
      el('div', { class: 'error', role: 'alert' },
        el('strong', null, err.status === 404 ? 'Record not found. ' : 'The record could not be loaded. '),
        el('span', { class: 'error-message' }, err.message)),
    );
  } finally {
    if (seq === recordSeq) {
      ui.recordView.removeAttribute('aria-busy');
      recordFromBox = false;
    }
  }
}

function absolutePermalink(id) {
  return `${window.location.origin}${window.location.pathname}${recordHref(id)}`;
}

async function copyAndTell(text, what) {
  const ok = await copyText(text);
  toast(ok ? `${what} copied to the clipboard.` : `${what} could not be copied: ${text}`);
}

let announceTimer = 0;
let announced = null;  // the key of what was told last
// Tells a screen reader `text` through the live region, `delay` ms later: of the texts given meanwhile
// only the last is said, so typing a query is told once it pauses, not at every keystroke. `key`
// names what is told (an answer drawn again is not told again); without one, it is always told.
function announce(text, { delay = 0, key = null } = {}) {
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    if (key !== null && key === announced) return;
    // Emptied first, so the same words told again (a second "Link copied") are a change to announce.
    ui.announcer.textContent = '';
    announceTimer = setTimeout(() => {
      ui.announcer.textContent = text;
      announced = key;
    }, 50);
  }, delay);
}

let toastTimer = 0;
function toast(message) {
  announce(message);
  ui.toast.textContent = message;
  ui.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { ui.toast.hidden = true; }, 4000);
}

function setTitle(title) {
  document.title = title;
}

// ---- chrome ------------------------------------------------------------------------

function updateFiltersToggle() {
  const count = Object.values(state.filters).reduce((n, values) => n + values.length, 0);
  ui.filtersToggle.textContent = count ? `Filters (${count})` : 'Filters';
  ui.layout.classList.toggle('has-filters', hasFilters(state));
}

async function loadVersions() {
  try {
    healthInfo = await api.health();
    const v = healthInfo.versions || {};
    const parts = [];
    if (v.atlas_version) parts.push(`MITRE ATLAS ${v.atlas_version}`);
    if (v.risk_repository_rows) parts.push(`AI Risk Repository export (${v.risk_repository_rows} rows)`);
    if (healthInfo.documents !== undefined) parts.push(`${Number(healthInfo.documents).toLocaleString('en-US')} documents`);
    if (healthInfo.built_at) parts.push(`index built ${formatDate(healthInfo.built_at)}`);
    ui.versions.textContent = `Data: ${parts.join(' · ')}`;
    // Everything the server reports about its data, for whoever hovers.
    const details = Object.entries(v).map(([key, value]) => `${key}: ${value}`);
    if (healthInfo.generation !== undefined) details.push(`generation: ${healthInfo.generation}`);
    ui.versions.title = details.join('\n');
  } catch (err) {
    ui.versions.textContent = `Data versions unavailable: ${err.message}`;
  }
}

function formatDate(value) {
  const date = new Date(typeof value === 'number' && value < 1e12 ? value * 1000 : value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toISOString().replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

// Fields that take typing ("/" is a character there); a checkbox or a button does not.
const UNTYPED_INPUTS = ['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image'];
function isEditable(target) {
  if (!target || !(target instanceof Element)) return false;
  if (target.tagName === 'INPUT') return !UNTYPED_INPUTS.includes(target.type);
  return target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName);
}

// ---- events ------------------------------------------------------------------------

ui.input.addEventListener('input', () => {
  recordFromBox = false;  // typing on after Enter: the box keeps the focus
  suggestBox.update(ui.input.value);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => commitQuery(), TYPING_DELAY_MS);
});

// Where the Search button is hidden (a phone), Enter, the keyboard's Go, is the way to search;
// elsewhere it opens the first hit.
const enterSearches = () => ui.searchButton.offsetParent === null;

// The hint says what Enter does here.
ui.input.addEventListener('focus', () => {
  const enter = enterSearches() ? 'Press Enter to search' : 'Press Enter to open the first result';
  ui.hint.textContent = `Results update as you type. ${enter}; use the arrow keys for suggestions.`;
});

ui.input.addEventListener('keydown', (event) => {
  if (suggestBox.handleKeydown(event)) {
    event.preventDefault();
    return;
  }
  if (event.key === 'Enter' && !event.isComposing) {
    event.preventDefault();
    suggestBox.cancel();
    if (enterSearches()) {
      suggestBox.close();
      commitQuery({ leaveRecord: true, submitted: true });
    } else {
      openFirstHit();
    }
  } else if (event.key === 'Escape' && ui.input.value) {
    event.preventDefault();
    ui.input.value = '';
    clearTimeout(typingTimer);
    // Over a record only the box is cleared: the record stays open.
    if (!state.record) commitQuery();
  }
});

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  clearTimeout(typingTimer);
  suggestBox.cancel();
  suggestBox.close();
  commitQuery({ leaveRecord: true, submitted: true });
});

ui.sort.addEventListener('change', () => {
  navigate(withChanges((next) => {
    next.sort = ui.sort.value;
    next.page = 1;
  }), { replace: sameKindRecently('sort'), kind: 'sort' });
});

ui.filtersToggle.addEventListener('click', () => {
  const open = ui.filtersToggle.getAttribute('aria-expanded') !== 'true';
  ui.filtersToggle.setAttribute('aria-expanded', String(open));
  ui.facetPanel.classList.toggle('is-open', open);
});

// Links to records, and a case study's tactics, open inside the page (a modified click still opens a
// new tab).
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-record], a[data-tactic]') : null;
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  if (link.dataset.record) {
    openRecord(link.dataset.record);
  } else {
    const browse = emptyState();
    browse.filters.tactic = [link.dataset.tactic];
    ui.input.value = '';
    navigate(browse);
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !isEditable(event.target)) {
    event.preventDefault();
    ui.input.focus();
    ui.input.select();
  }
});

window.addEventListener('scroll', () => {
  clearTimeout(scrollSaveTimer);
  scrollSaveTimer = setTimeout(saveScroll, 200);
}, { passive: true });

window.addEventListener('popstate', () => {
  clearTimeout(scrollSaveTimer);  // a save now would go to the entry just reached
  const left = state.record;
  state = urlState();
  entryKind = '';
  clearTimeout(typingTimer);
  suggestBox.cancel();
  suggestBox.close();
  ui.input.value = state.q;
  restoreScrollY = (window.history.state && window.history.state.scrollY) || 0;
  sync();
  if (left && !state.record) focusHit(left);
});

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (!state.record) drawChart(); }, 120);
});

// Labels for every facet value, so chips for filters that match nothing still read well.
async function loadFacetLabels() {
  try {
    const all = await api.facets();
    facetPanel.seedLabels(all.facets || {});
    if (!state.record && answer) renderAnswer(answer);
    else if (!state.record && !answer) renderChips(ui.chips, activeChips(state, (n, v) => facetPanel.labelFor(n, v)), {
      onRemove: (name, value) => toggleFilter(name, value, false),
      onClearAll: clearFilters,
    });
  } catch {
    // Labels fall back to the raw values.
  }
}

ui.input.value = state.q;
sync();
loadVersions();
loadFacetLabels();
