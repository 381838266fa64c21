// A horizontal bar chart of the current matches by domain, drawn from the domain facet
// counts. Each bar is a button: activating it toggles that domain filter.

import { svg, formatNumber, plural } from './dom.js';

const COUNT_WIDTH = 56;
const collator = new Intl.Collator('en', { numeric: true });

// values: [{value, label, count, selected}]; selected: Set of ticked domain values.
export function renderDomainChart(container, values, selected, onToggle) {
  container.replaceChildren();
  const rows = (values || [])
    .filter((v) => Number(v.count) > 0 || selected.has(v.value))
    .sort((a, b) => collator.compare(a.value, b.value));
  container.hidden = rows.length === 0;
  if (rows.length === 0) return;

  const max = Math.max(1, ...rows.map((v) => Number(v.count) || 0));
  // Drawn at the container's own width so the text keeps its size; narrow screens put
  // each label above its bar.
  const width = Math.max(260, Math.floor(container.clientWidth || 560));
  const stacked = width < 480;
  const labelWidth = stacked ? 0 : Math.min(240, Math.floor(width * 0.42));
  const barWidth = width - labelWidth - COUNT_WIDTH - (stacked ? 0 : 8);
  const rowHeight = stacked ? 40 : 26;
  const height = rows.length * rowHeight + 4;
  const chart = svg('svg', {
    class: 'domain-chart',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'group',
    'aria-label': 'Matches by domain. Activate a bar to filter by that domain.',
  });

  rows.forEach((v, i) => {
    const y = i * rowHeight + 2;
    const count = Number(v.count) || 0;
    const barLength = count === 0 ? 0 : Math.max(2, Math.round((count / max) * barWidth));
    const barX = stacked ? 0 : labelWidth + 8;
    const barY = stacked ? y + 20 : y + 5;
    const textY = stacked ? y + 14 : y + rowHeight / 2 + 4;
    const isSelected = selected.has(v.value);
    const label = v.label || v.value;
    const row = svg('g', {
      class: ['chart-row', isSelected && 'is-selected'],
      role: 'button',
      tabindex: '0',
      'aria-pressed': String(isSelected),
      // aria-pressed tells whether the filter is on; the name says what pressing does not repeat it.
      'aria-label': `Filter by domain ${label}: ${plural(count, 'match', 'matches')}`,
      dataset: { value: v.value },
    },
    svg('title', null, `${label}: ${formatNumber(count)}`),
    svg('rect', { class: 'chart-hit', x: 0, y, width, height: rowHeight - 2 }),
    svg('text', stacked
      ? { class: 'chart-label', x: 0, y: textY }
      : { class: 'chart-label', x: labelWidth, y: textY, 'text-anchor': 'end' },
    truncate(label, stacked ? 60 : Math.floor(labelWidth / 7))),
    svg('rect', { class: 'chart-track', x: barX, y: barY, width: barWidth, height: 14, rx: 3 }),
    svg('rect', { class: 'chart-bar', x: barX, y: barY, width: barLength, height: 14, rx: 3 }),
    svg('text', { class: 'chart-count', x: barX + barWidth + 6, y: barY + 11 }, formatNumber(count)));
    const activate = () => onToggle(v.value, !isSelected);
    row.addEventListener('click', activate);
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        activate();
      }
    });
    chart.append(row);
  });
  container.append(chart);
}

function truncate(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
