// DOM helpers. Record text is only ever set through textContent; the one piece of
// server HTML (a hit's snippet) goes through appendSnippet, which keeps text and <mark>.

const SVG_NS = 'http://www.w3.org/2000/svg';

// el('a', {class: 'x', href: '?record=1', onclick: fn}, 'text', child, ...)
// Attributes named on* become listeners; `style` is refused (the CSP forbids inline styles).
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  applyAttrs(node, attrs);
  append(node, children);
  return node;
}

export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  applyAttrs(node, attrs);
  append(node, children);
  return node;
}

function applyAttrs(node, attrs) {
  if (!attrs) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'style') throw new Error('inline styles are not allowed');
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      node.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

// Appends the text of an API snippet to `parent`, keeping only <mark> elements.
// The snippet is HTML-escaped by the server; parsing it in an inert document decodes
// entities without running anything, and copying only text nodes drops any other markup.
export function appendSnippet(parent, snippetHtml) {
  if (!snippetHtml) return parent;
  const doc = new DOMParser().parseFromString(`<body>${snippetHtml}</body>`, 'text/html');
  copySafe(doc.body, parent);
  return parent;
}

function copySafe(from, to) {
  for (const node of from.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.append(document.createTextNode(node.nodeValue));
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      if (node.tagName === 'MARK') {
        const mark = document.createElement('mark');
        mark.textContent = node.textContent;
        to.append(mark);
      } else {
        copySafe(node, to);
      }
    }
  }
}

// Splits plain text (risk descriptions and quotes) into paragraphs at blank lines. ATLAS
// text comes formatted as nodes instead (rich-text.js).
export function prose(text, className) {
  return String(text || '')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => el('p', { class: className }, p));
}

export function formatNumber(n) {
  return Number(n || 0).toLocaleString('en-US');
}

export function plural(n, one, many) {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
