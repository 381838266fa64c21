// The facet panel: one group of checkboxes per facet, with counts.
//
// A ticked value never moves or disappears while counts change: facets with a small
// fixed taxonomy are always shown in taxonomy order; the others keep the order in which
// their values were last shown before the facet got a selection, for as long as that
// selection is non-empty. Ticked values are listed even at count 0 and even when they
// fall outside the "show more" limit or the facet's value filter.

import { el, clear, formatNumber, plural } from './dom.js';
import { FACET_NAMES, FACET_TITLES } from './api.js';

const TOP_VALUES = 8;
const CODE_ORDERED = new Set(['domain', 'subdomain']);
// Taxonomy order for the small fixed facets; values not listed follow in alphabetical order.
export const FIXED_ORDER = {
  type: ['risk', 'technique', 'mitigation', 'case-study'],
  kind: ['incident', 'exercise'],
  entity: ['human', 'ai', 'other', 'not-coded'],
  intent: ['intentional', 'unintentional', 'other', 'not-coded'],
  timing: ['pre-deployment', 'post-deployment', 'other', 'not-coded'],
  lifecycle: ['business-and-data-understanding', 'data-preparation', 'ml-model-engineering',
    'ml-model-evaluation', 'deployment', 'monitoring-and-maintenance'],
  category: ['technical-ml', 'technical-cyber', 'policy'],
};
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

// Compares two values of `name` in the facet's taxonomy order (code order for domains).
export function compareValues(name, a, b) {
  if (name === 'year') return collator.compare(b, a);  // newest first
  const order = FIXED_ORDER[name];
  if (order) {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia !== ib) return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
  }
  return collator.compare(a, b);
}

function isStaticOrder(name) {
  return CODE_ORDERED.has(name) || name in FIXED_ORDER || name === 'year';
}

export class FacetPanel {
  // onToggle(name, value, checked) is called when a checkbox changes; announce(text) tells a screen
  // reader how many values a facet's filter box matches.
  constructor(container, { onToggle, announce = () => {} }) {
    this.container = container;
    this.onToggle = onToggle;
    this.announce = announce;
    this.sections = new Map();   // name -> {root, filterInput, list, moreButton}
    this.order = new Map();      // name -> remembered value order
    this.labels = new Map();     // name -> Map(value -> label), every label ever seen
    this.expanded = new Set();   // names whose full value list is shown
    this.filterText = new Map(); // name -> text typed in the facet's value filter
    this.current = new Map();    // name -> {items, selected} of the last render
  }

  labelFor(name, value) {
    const labels = this.labels.get(name);
    return (labels && labels.get(value)) || value;
  }

  // Learns value labels (e.g. from /api/facets) so chips read well before a search answers.
  seedLabels(facets) {
    for (const name of FACET_NAMES) this.remember(name, (facets && facets[name]) || []);
  }

  // Renders the `facets` object of a search answer for the ticked values in `filters`.
  render(facets, filters) {
    const focus = this.captureFocus();
    for (const name of FACET_NAMES) {
      const values = (facets && facets[name]) || [];
      this.remember(name, values);
    }
    const shown = [];
    for (const name of FACET_NAMES) {
      const values = (facets && facets[name]) || [];
      // Ticked here, or typed in the query ("domain:2"): the server marks those selected too.
      const selected = new Set([...(filters[name] || []), ...values.filter((v) => v.selected).map((v) => v.value)]);
      const items = this.arrange(name, values, selected);
      const section = this.section(name);
      if (items.length === 0) {
        section.root.hidden = true;
        this.current.delete(name);
        continue;
      }
      section.root.hidden = false;
      this.current.set(name, { items, selected });
      this.renderList(name);
      shown.push(section.root);
    }
    // Keep the sections in display order without rebuilding them (inputs keep focus and text).
    for (const name of FACET_NAMES) this.container.append(this.section(name).root);
    this.container.classList.toggle('is-empty', shown.length === 0);
    this.restoreFocus(focus);
  }

  remember(name, values) {
    if (!this.labels.has(name)) this.labels.set(name, new Map());
    const labels = this.labels.get(name);
    for (const v of values) if (v.label) labels.set(v.value, v.label);
  }

  arrange(name, values, selected) {
    const byValue = new Map(values.map((v) => [v.value, v]));
    let order;
    if (isStaticOrder(name)) {
      order = [...new Set([...values.map((v) => v.value), ...selected])].sort((a, b) => compareValues(name, a, b));
    } else if (selected.size === 0) {
      order = values.map((v) => v.value);
      this.order.set(name, order);
    } else {
      order = [...(this.order.get(name) || [])];
      const known = new Set(order);
      for (const v of values) if (!known.has(v.value)) { order.push(v.value); known.add(v.value); }
      for (const v of selected) if (!known.has(v)) { order.push(v); known.add(v); }
      this.order.set(name, order);
    }
    return order
      .map((value) => {
        const v = byValue.get(value);
        return {
          value,
          label: (v && v.label) || this.labelFor(name, value),
          count: v ? Number(v.count) || 0 : 0,
          selected: selected.has(value),
        };
      })
      .filter((item) => item.count > 0 || item.selected);
  }

  section(name) {
    let section = this.sections.get(name);
    if (section) return section;
    const titleId = `facet-${name}-title`;
    const filterInput = el('input', {
      type: 'search',
      class: 'facet-filter',
      id: `facet-${name}-filter`,
      placeholder: `Filter ${FACET_TITLES[name].toLowerCase()}…`,
      'aria-label': `Filter ${FACET_TITLES[name]} values`,
      autocomplete: 'off',
      spellcheck: 'false',
    });
    filterInput.addEventListener('input', () => {
      this.filterText.set(name, filterInput.value);
      const matching = this.renderList(name);
      if (matching !== null) this.announce(matching === 0 ? 'No matching values' : plural(matching, 'matching value', 'matching values'));
    });
    const list = el('div', { class: 'facet-values' });
    const moreButton = el('button', { type: 'button', class: 'link-button facet-more' });
    moreButton.addEventListener('click', () => {
      if (this.expanded.has(name)) this.expanded.delete(name);
      else this.expanded.add(name);
      this.renderList(name);
    });
    const root = el(
      'section',
      // No accessible name: named, each of the dozen facets would be a landmark region of its own.
      { class: 'facet', dataset: { facet: name } },
      el('h3', { class: 'facet-title', id: titleId }, FACET_TITLES[name]),
      filterInput,
      list,
      moreButton,
    );
    section = { root, filterInput, list, moreButton };
    this.sections.set(name, section);
    return section;
  }

  // Draws a facet's values; returns how many match the text of its filter box (null without one).
  renderList(name) {
    const section = this.section(name);
    const current = this.current.get(name);
    if (!current) return null;
    const { items } = current;
    const focus = this.captureFocus();
    const many = items.length > TOP_VALUES;
    section.filterInput.hidden = !many;
    const text = many ? (this.filterText.get(name) || '').trim().toLowerCase() : '';
    const expanded = this.expanded.has(name);

    const matches = (it) => it.label.toLowerCase().includes(text) || it.value.toLowerCase().includes(text);
    let visible;
    if (text) {
      visible = items.filter((it) => it.selected || matches(it));
    } else if (expanded || !many) {
      visible = items;
    } else {
      const top = new Set(topByCount(name, items).map((it) => it.value));
      visible = items.filter((it) => it.selected || top.has(it.value));
    }

    clear(section.list);
    if (name === 'subdomain') {
      this.renderGrouped(section.list, name, visible);
    } else {
      section.list.append(el('ul', { class: 'facet-list' }, visible.map((it) => this.item(name, it))));
    }
    const matching = text ? items.filter(matches).length : null;
    if (matching === 0) {
      section.list.append(el('p', { class: 'facet-none' }, 'No matching values.'));
    }

    section.moreButton.hidden = !many || Boolean(text);
    section.moreButton.textContent = expanded ? 'Show fewer' : `Show all ${items.length}`;
    section.moreButton.setAttribute('aria-expanded', String(expanded));
    this.restoreFocus(focus);
    return matching;
  }

  // Subdomains sit under a heading for their domain (the part of the code before the dot).
  renderGrouped(container, name, visible) {
    const groups = new Map();
    for (const it of visible) {
      const domain = it.value.split('.')[0];
      if (!groups.has(domain)) groups.set(domain, []);
      groups.get(domain).push(it);
    }
    for (const [domain, items] of groups) {
      const label = this.labelFor('domain', domain);
      const heading = label === domain ? `Domain ${domain}` : label;
      container.append(
        el('div', { class: 'facet-group' },
          el('h4', { class: 'facet-group-title' }, heading),
          el('ul', { class: 'facet-list' }, items.map((it) => this.item(name, it)))),
      );
    }
  }

  item(name, it) {
    const id = `f-${name}-${cssSafe(it.value)}`;
    const input = el('input', {
      type: 'checkbox',
      id,
      checked: it.selected,
      dataset: { facet: name, value: it.value },
    });
    input.addEventListener('change', () => this.onToggle(name, it.value, input.checked));
    return el('li', { class: ['facet-item', it.selected && 'is-selected', it.count === 0 && 'is-zero'] },
      input,
      el('label', { for: id },
        el('span', { class: 'facet-label' }, it.label),
        el('span', { class: 'facet-count' }, formatNumber(it.count))));
  }

  captureFocus() {
    const active = document.activeElement;
    if (!active || !this.container.contains(active)) return null;
    if (active.dataset && active.dataset.facet && active.dataset.value !== undefined) {
      return { facet: active.dataset.facet, value: active.dataset.value };
    }
    return null;
  }

  // Back to the value's checkbox; when the value is gone (unticked with a count of 0), to its facet's
  // first value, else its filter box, else the results: never to the page.
  restoreFocus(focus) {
    if (!focus) return;
    // A checkbox in a facet just hidden (it has no value left) holds the focus until the browser notices.
    const focused = document.activeElement;
    if (focused && this.container.contains(focused) && !focused.closest('[hidden]')) return;
    const inputs = [...this.container.querySelectorAll('input[type=checkbox]')]
      .filter((i) => i.dataset.facet === focus.facet && !i.closest('[hidden]'));
    const section = this.sections.get(focus.facet);
    const target = inputs.find((i) => i.dataset.value === focus.value) || inputs[0] ||
      (section && !section.root.hidden && !section.filterInput.hidden ? section.filterInput : document.getElementById('main'));
    target.focus();
  }
}

function topByCount(name, items) {
  if (!isStaticOrder(name)) return items.slice(0, TOP_VALUES);
  return [...items].sort((a, b) => b.count - a.count).slice(0, TOP_VALUES);
}

function cssSafe(value) {
  return String(value).replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
}
