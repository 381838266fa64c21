// Thin client for the riskatlas JSON API. Every call rejects with an ApiError whose
// message is the server's error.message when the server sent one.

export class ApiError extends Error {
  constructor(message, { status = 0, code = '' } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export const FACET_NAMES = [
  'type', 'domain', 'subdomain', 'entity', 'intent', 'timing', 'lifecycle', 'category', 'tactic', 'kind', 'year',
  'source',
];

export const FACET_TITLES = {
  type: 'Record type',
  domain: 'Domain',
  subdomain: 'Subdomain',
  entity: 'Entity',
  intent: 'Intent',
  timing: 'Timing',
  lifecycle: 'Lifecycle stage',
  category: 'Mitigation category',
  tactic: 'ATLAS tactic',
  kind: 'Case study kind',
  year: 'Year',
  source: 'Source paper',
};

export const TYPE_LABELS = {
  risk: 'AI Risk',
  technique: 'Technique',
  mitigation: 'Mitigation',
  'case-study': 'Case study',
};

async function getJson(path, { signal } = {}) {
  let response;
  try {
    response = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError('The server could not be reached. Check your connection and try again.');
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = body && body.error;
    const message = (error && error.message) || (body && body.problem) || `The server answered ${response.status} ${response.statusText}.`;
    throw new ApiError(message, { status: response.status, code: (error && error.code) || '' });
  }
  if (body === null) throw new ApiError('The server sent an answer that is not JSON.', { status: response.status });
  return body;
}

// Query string for /api/search and /api/export from a UI state (see url-state.js).
export function searchParams(state, extra = {}) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const name of FACET_NAMES) {
    for (const value of state.filters[name] || []) params.append(name, value);
  }
  if (state.sort && state.sort !== 'relevance') params.set('sort', state.sort);
  if (state.perPage) params.set('per_page', String(state.perPage));
  for (const [key, value] of Object.entries(extra)) params.set(key, String(value));
  return params;
}

export function search(state, options) {
  const params = searchParams(state, state.page > 1 ? { page: state.page } : {});
  return getJson(`/api/search?${params}`, options);
}

export function exportUrl(state, format) {
  return `/api/export?${searchParams(state, { format })}`;
}

export function record(id, options) {
  return getJson(`/api/records/${encodeURIComponent(id)}`, options);
}

// Risks from other source papers like the record, and its linked techniques and mitigations
// ordered by relevance to it, each with the words that tie it to the record.
export function related(id, options) {
  return getJson(`/api/records/${encodeURIComponent(id)}/related`, options);
}

export function suggest(q, options) {
  return getJson(`/api/suggest?${new URLSearchParams({ q })}`, options);
}

export function facets(options) {
  return getJson('/api/facets', options);
}

export function health(options) {
  return getJson('/healthz', options);
}
