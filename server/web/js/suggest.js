// Search-as-you-type suggestions from /api/suggest, as an ARIA 1.2 combobox:
// ArrowDown/ArrowUp move through the options, Enter picks the active one, Escape closes.

import { el, clear } from './dom.js';
import * as api from './api.js';

const DELAY_MS = 150;
// The API refuses a longer q (400): past it nothing is asked.
const MAX_QUERY_BYTES = 200;
const encoder = new TextEncoder();

export class SuggestBox {
  // onPick({text, kind, id, type}) is called when the user picks a suggestion.
  constructor(input, listbox, { onPick }) {
    this.input = input;
    this.listbox = listbox;
    this.onPick = onPick;
    this.items = [];
    this.itemsFor = '';  // the text the items were suggested for
    this.active = -1;
    this.timer = 0;
    this.controller = null;
    this.seq = 0;

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', listbox.id);
    input.setAttribute('aria-expanded', 'false');
    listbox.setAttribute('role', 'listbox');
    listbox.hidden = true;

    input.addEventListener('blur', () => setTimeout(() => this.close(), 120));
    listbox.addEventListener('mousedown', (event) => event.preventDefault());
  }

  // Asks for suggestions for `q` after a short pause; an older answer never replaces a newer one.
  update(q) {
    clearTimeout(this.timer);
    const text = q.trim();
    if (text.length < 2 || encoder.encode(text).length > MAX_QUERY_BYTES) {
      this.cancel();
      this.close();
      return;
    }
    this.timer = setTimeout(() => this.fetch(text), DELAY_MS);
  }

  cancel() {
    clearTimeout(this.timer);
    if (this.controller) this.controller.abort();
    this.controller = null;
    this.seq += 1;
  }

  async fetch(text) {
    if (this.controller) this.controller.abort();
    const controller = new AbortController();
    this.controller = controller;
    const seq = ++this.seq;
    try {
      const answer = await api.suggest(text, { signal: controller.signal });
      if (seq !== this.seq || document.activeElement !== this.input) return;
      this.show(answer.suggestions || [], text);
    } catch {
      if (seq === this.seq) this.close();
    }
  }

  show(items, text) {
    this.items = items.slice(0, 10);
    this.itemsFor = text;
    this.active = -1;
    // No option is active in a new list: a stale id would name whichever option now holds it.
    this.input.removeAttribute('aria-activedescendant');
    clear(this.listbox);
    if (this.items.length === 0) {
      this.close();
      return;
    }
    this.items.forEach((item, i) => {
      const option = el('li', {
        id: `${this.listbox.id}-${i}`,
        role: 'option',
        class: ['suggestion', `suggestion-${item.kind}`],
        'aria-selected': 'false',
      },
      item.kind === 'record' && item.type
        ? el('span', { class: ['badge', `badge-${item.type}`] }, api.TYPE_LABELS[item.type] || item.type)
        : el('span', { class: 'suggestion-kind' }, 'Search'),
      el('span', { class: 'suggestion-text' }, emphasise(item.text, text)),
      item.id ? el('span', { class: 'record-id' }, item.id) : null);
      option.addEventListener('click', () => this.pick(i));
      this.listbox.append(option);
    });
    this.listbox.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
  }

  close() {
    this.listbox.hidden = true;
    this.active = -1;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  isOpen() {
    return !this.listbox.hidden;
  }

  // Returns true when the key was used by the suggestion list.
  handleKeydown(event) {
    if (!this.isOpen()) {
      // Reopened only for the text they were suggested for: the box may have been changed since by
      // code (Back, "Did you mean") without a new suggestion.
      if (event.key === 'ArrowDown' && this.items.length > 0 && this.input.value.trim() === this.itemsFor) {
        this.listbox.hidden = false;
        this.input.setAttribute('aria-expanded', 'true');
        this.move(0);
        return true;
      }
      return false;
    }
    switch (event.key) {
      case 'ArrowDown':
        this.move(this.active + 1 >= this.items.length ? 0 : this.active + 1);
        return true;
      case 'ArrowUp':
        this.move(this.active <= 0 ? this.items.length - 1 : this.active - 1);
        return true;
      case 'Escape':
        this.close();
        return true;
      case 'Enter':
        if (this.active >= 0) {
          this.pick(this.active);
          return true;
        }
        this.close();
        return false;
      default:
        return false;
    }
  }

  move(index) {
    this.active = index;
    [...this.listbox.children].forEach((option, i) => {
      option.setAttribute('aria-selected', String(i === index));
      option.classList.toggle('is-active', i === index);
    });
    const option = this.listbox.children[index];
    if (option) {
      this.input.setAttribute('aria-activedescendant', option.id);
      option.scrollIntoView({ block: 'nearest' });
    }
  }

  pick(index) {
    const item = this.items[index];
    this.cancel();
    this.close();
    if (item) this.onPick(item);
  }
}

// The suggestion text with the part the user typed in bold (as text nodes, never HTML).
function emphasise(text, typed) {
  const at = text.toLowerCase().indexOf(typed.toLowerCase());
  if (!typed || at < 0) return text;
  return [text.slice(0, at), el('strong', null, text.slice(at, at + typed.length)), text.slice(at + typed.length)];
}
