// The UI state lives in the URL query string: q, one parameter per ticked facet value
// (repeated for several values), page, sort, per_page and the open record.

import { FACET_NAMES } from './api.js';

export const SORTS = ['relevance', 'id', 'title'];

export function emptyState() {
  const filters = {};
  for (const name of FACET_NAMES) filters[name] = [];
  return { q: '', filters, page: 1, sort: 'relevance', perPage: 0, record: '' };
}

// The API's limits (README, "GET /api/search"): a URL past them opens at the nearest page it allows.
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 20;
const MAX_RESULT_WINDOW = 10000;

// Tabs and line breaks (a row pasted from a spreadsheet) and other control characters, which the
// API refuses in a query, as spaces.
export function cleanQuery(text) {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

export function parseState(search) {
  const params = new URLSearchParams(search);
  const state = emptyState();
  state.q = cleanQuery(params.get('q') || '');
  for (const name of FACET_NAMES) {
    state.filters[name] = [...new Set(params.getAll(name).filter((v) => v !== ''))];
  }
  const sort = params.get('sort');
  state.sort = SORTS.includes(sort) ? sort : 'relevance';
  const perPage = Number.parseInt(params.get('per_page') || '0', 10);
  state.perPage = Number.isFinite(perPage) && perPage > 0 ? Math.min(perPage, MAX_PER_PAGE) : 0;
  const page = Number.parseInt(params.get('page') || '1', 10);
  const lastPage = Math.floor(MAX_RESULT_WINDOW / (state.perPage || DEFAULT_PER_PAGE));
  state.page = Number.isFinite(page) && page > 0 ? Math.min(page, lastPage) : 1;
  state.record = params.get('record') || '';
  return state;
}

export function stateToQuery(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const name of FACET_NAMES) {
    for (const value of state.filters[name]) params.append(name, value);
  }
  if (state.page > 1) params.set('page', String(state.page));
  if (state.sort !== 'relevance') params.set('sort', state.sort);
  if (state.perPage) params.set('per_page', String(state.perPage));
  if (state.record) params.set('record', state.record);
  const query = params.toString();
  return query ? `?${query}` : '';
}

export function cloneState(state) {
  const filters = {};
  for (const name of FACET_NAMES) filters[name] = [...state.filters[name]];
  return { ...state, filters };
}

export function hasFilters(state) {
  return FACET_NAMES.some((name) => state.filters[name].length > 0);
}

// The part of the state that decides a search answer (everything but the open record).
export function searchKey(state) {
  return stateToQuery({ ...state, record: '' });
}

export function recordHref(id) {
  return `?${new URLSearchParams({ record: id })}`;
}
