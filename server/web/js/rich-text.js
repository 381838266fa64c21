// ATLAS text as the server sends it (`description_doc`, `use_doc`, a procedure step's
// `description_doc`): a tree of nodes of a few known types, built here with DOM calls only.
// Unknown node types keep their text; links keep only http(s) URLs and never carry the
// referrer or a handle on this page.

import { el } from './dom.js';

const BLOCK_TAGS = { paragraph: 'p', quote: 'blockquote', item: 'li' };
const INLINE_TAGS = { emphasis: 'em', strong: 'strong', code: 'code' };

// An http(s) URL as a string, or null for anything else (javascript:, data:, relative).
export function webUrl(url) {
  try {
    const parsed = new URL(String(url || ''));
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function externalLink(url, ...children) {
  const href = webUrl(url);
  if (!href) return children;
  return el('a', { href, rel: 'noopener noreferrer', target: '_blank', class: 'external' }, ...children);
}

// The id of a References list entry; `scope` keeps two lists on one page apart.
export function referenceId(scope, number) {
  return `ref-${scope}-${number}`;
}

// nodes: the JSON array; opts.scope: when the page shows the record's References list,
// citations link to its entries, else straight to the cited URL.
export function renderRichText(nodes, opts = {}) {
  return (Array.isArray(nodes) ? nodes : []).map((node) => renderNode(node, opts));
}

function renderNode(node, opts) {
  if (!node || typeof node !== 'object') return null;
  const children = () => renderRichText(node.children, opts);
  switch (node.type) {
    case 'text': return String(node.text || '');
    case 'line_break': return el('br');
    case 'code_block': return el('pre', { class: 'code-block' }, el('code', null, String(node.text || '')));
    case 'rule': return el('hr');
    case 'heading': return el('p', { class: 'rich-heading' }, children());
    case 'list': {
      const ordered = Number(node.start) > 0;
      return el(ordered ? 'ol' : 'ul', { class: 'rich-list', start: ordered && node.start !== 1 ? node.start : null }, children());
    }
    case 'link': return externalLink(node.url, children());
    case 'citation': return citation(node, opts);
    default:
      if (node.type in BLOCK_TAGS) return el(BLOCK_TAGS[node.type], null, children());
      if (node.type in INLINE_TAGS) return el(INLINE_TAGS[node.type], null, node.type === 'code' ? String(node.text || '') : children());
      return node.text ? String(node.text) : children();
  }
}

function citation(node, opts) {
  const number = Number(node.number) || 0;
  const label = `[${number}]`;
  if (opts.scope) {
    const target = referenceId(opts.scope, number);
    return el('sup', { class: 'citation' }, el('a', {
      href: `#${target}`,
      'aria-label': `Reference ${number}`,
      onclick: (event) => {
        const entry = document.getElementById(target);
        if (!entry) return;
        event.preventDefault();
        entry.scrollIntoView({ block: 'center' });
        entry.focus({ preventScroll: true });
      },
    }, label));
  }
  return el('sup', { class: 'citation' }, externalLink(node.url, label));
}

// The References list of a record: each entry its title linking to its URL (or the URL
// itself when it has no title).
export function referenceList(references, scope) {
  const items = Array.isArray(references) ? references : [];
  if (items.length === 0) return null;
  return el('ol', { class: 'reference-list' }, items.map((r) => {
    const title = r.title || r.url || '';
    return el('li', { id: referenceId(scope, r.number), value: r.number, tabindex: '-1' },
      webUrl(r.url) ? externalLink(r.url, title) : title);
  }));
}
