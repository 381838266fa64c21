// The UI state lives in the URL query string: q, one parameter per ticked facet value
// (repeated for several values), page, sort, per_page and the open record.

import { FACET_NAMES } from './api.js';

export const SORTS = ['relevance', 'id', 'title'];

export function emptyState() {
  const filters = {};
  for (const name of FACET_NAMES) filters[name] = [];
  return { q: '', filters, page: 1, sort: 'relevance', perPage: 0, record: '' };
}

export function parseState(search) {
  const params = new URLSearchParams(search);
  const state = emptyState();
  state.q = params.get('q') || '';
  for (const name of FACET_NAMES) {
    state.filters[name] = [...new Set(params.getAll(name).filter((v) => v !== ''))];
  }
  const page = Number.parseInt(params.get('page') || '1', 10);
  state.page = Number.isFinite(page) && page > 0 ? page : 1;
  const sort = params.get('sort');
  state.sort = SORTS.includes(sort) ? sort : 'relevance';
  const perPage = Number.parseInt(params.get('per_page') || '0', 10);
  state.perPage = Number.isFinite(perPage) && perPage > 0 ? perPage : 0;
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
