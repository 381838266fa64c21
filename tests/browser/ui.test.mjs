// Browser tests of the riskatlas web UI against the real server and the default corpus.
// Run with ./run.sh (or `node --test` here). Needs build/riskatlas-{index,serve} and chromium.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, newPage, searchSettled, ARTIFACTS } from './harness.mjs';

// Risk 08.02.00 of the default corpus quotes "<script>alert(1)</script>" and
// "<img src=x onerror=alert(2)>"; 02.01.02 is fine-tuning dataset poisoning (subdomain 2.2).
const XSS_RISK = '08.02.00';
const POISONING_RISK = '02.01.02';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// Runs fn with a fresh page; fails on page errors, dialogs or CSP violations.
async function withPage(fn, options) {
  const { page, context, problems } = await newPage(browser, server.baseUrl, options);
  try {
    await fn(page, problems);
    assert.deepEqual(problems.errors, [], 'no uncaught page errors');
    assert.deepEqual(problems.dialogs, [], 'no dialogs');
    assert.deepEqual(problems.csp, [], 'no Content-Security-Policy violations');
  } finally {
    await context.close();
  }
}

async function total(page) {
  return Number(await page.locator('#result-status').getAttribute('data-total'));
}

// {facet: [{value, count, checked}]} for the facet groups on screen, in screen order.
function facetSnapshot(page) {
  return page.$$eval('#facets .facet:not([hidden])', (sections) => Object.fromEntries(sections.map((s) => [
    s.dataset.facet,
    [...s.querySelectorAll('.facet-item')].map((li) => ({
      value: li.querySelector('input').dataset.value,
      count: Number(li.querySelector('.facet-count').textContent.replace(/,/g, '')),
      checked: li.querySelector('input').checked,
    })),
  ])));
}

function checkbox(page, facet, value) {
  return page.locator(`#facets input[type=checkbox][data-facet="${facet}"][data-value="${value}"]`);
}

async function openAndSettle(page, url) {
  await page.goto(url);
  await searchSettled(page);
}

test('typing a query shows highlighted hits with the total and time taken', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/');
    const all = await total(page);
    await page.locator('#q').pressSequentially('poisoning', { delay: 25 });
    await page.waitForURL(/[?&]q=poisoning(&|$)/);
    await searchSettled(page);

    const n = await total(page);
    assert.ok(n > 0 && n < all, `"poisoning" matches some records (${n} of ${all})`);
    assert.match(await page.locator('#result-status').textContent(), /results? for “poisoning” · [\d.,]+ ms/);
    const marks = await page.locator('#hits .hit-snippet mark').allTextContents();
    assert.ok(marks.some((m) => /poison/i.test(m)), `snippets highlight the query: ${marks.join(', ')}`);
    const first = page.locator('#hits .hit').first();
    assert.ok(await first.locator('.badge').isVisible(), 'a hit shows its type badge');
    assert.ok((await first.locator('.hit-title a').textContent()).length > 0, 'a hit shows its title');
    // A screen reader is told once typing pauses, without the timing: one announcement, not one a key.
    await page.waitForFunction(() => /^\d+ results? for “poisoning”(; page 1 of \d+)?$/.test(document.getElementById('announcer').textContent));
    assert.equal(await page.locator('#announcer').getAttribute('aria-live'), 'polite');
    assert.equal(await page.locator('#result-status').getAttribute('aria-live'), null, 'the visible status is not read at every key');
  });
});

test('the live region tells an answer once typing pauses, and says when words were dropped', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/');
    await page.waitForFunction(() => document.getElementById('announcer').textContent !== '');  // the first page's
    await page.evaluate(() => {
      window.told = [];
      new MutationObserver(() => {
        const text = document.getElementById('announcer').textContent;
        if (text) window.told.push(text);
      }).observe(document.getElementById('announcer'), { childList: true, characterData: true, subtree: true });
    });
    await page.locator('#q').pressSequentially('poisoning qqqzzzxv', { delay: 30 });
    await page.waitForURL((url) => url.searchParams.get('q') === 'poisoning qqqzzzxv');
    await searchSettled(page);
    await page.waitForFunction(() => window.told.length > 0);
    await page.waitForTimeout(1500);  // past the pause: nothing more is told
    const told = await page.evaluate(() => window.told);
    assert.equal(told.length, 1, `one announcement: ${JSON.stringify(told)}`);
    assert.match(told[0], /for “poisoning qqqzzzxv”; no record has every word; showing records with some of them/);
    assert.ok(!/ms\b/.test(told[0]), 'no timing');
  });
});

test('ticking facet values narrows the total and refreshes the other facets; unticking restores them', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/');
    const total0 = await total(page);
    const facets0 = await facetSnapshot(page);
    assert.ok(facets0.domain && facets0.domain.length >= 2, 'the domain facet is offered');

    const [d1, d2] = facets0.domain.filter((v) => v.count < total0);
    await checkbox(page, 'domain', d1.value).check();
    await page.waitForURL(new RegExp(`domain=${encodeURIComponent(d1.value)}`));
    await searchSettled(page);
    assert.equal(await total(page), d1.count, 'one ticked domain: the total is its count');
    const facets1 = await facetSnapshot(page);
    assert.deepEqual(facets1.domain, facets0.domain.map((v) => ({ ...v, checked: v.value === d1.value })),
      'domain counts ignore the domain selection, and its values keep their place');
    assert.notDeepEqual(facets1.type, facets0.type, 'the type counts follow the domain filter');
    assert.equal(await page.locator('#chips .chip').count(), 1, 'the filter shows as a chip');

    await checkbox(page, 'domain', d2.value).check();
    await searchSettled(page);
    assert.equal(await total(page), d1.count + d2.count, 'values of one facet are ORed');

    const riskType = (await facetSnapshot(page)).type.find((v) => v.value === 'risk');
    await checkbox(page, 'type', 'risk').check();
    await searchSettled(page);
    assert.equal(await total(page), riskType.count, 'facets are ANDed');

    await page.locator('#chips .clear-all').click();
    await searchSettled(page);
    assert.equal(await total(page), total0);

    await checkbox(page, 'domain', d1.value).check();
    await searchSettled(page);
    await checkbox(page, 'domain', d1.value).uncheck();
    await searchSettled(page);
    assert.equal(await total(page), total0, 'unticking gives back the original total');
    assert.deepEqual(await facetSnapshot(page), facets0, 'and the original counts');
    assert.ok(!page.url().includes('domain='));
  });
});

test('a facet value typed in the query shows ticked, and unticking it takes it out of the query', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, `/?q=${encodeURIComponent('domain:2 poisoning')}`);
    assert.ok(await checkbox(page, 'domain', '2').isChecked());
    assert.equal(await page.locator('#chart .chart-row[data-value="2"]').getAttribute('aria-pressed'), 'true');
    await checkbox(page, 'domain', '2').uncheck();
    await page.waitForURL((url) => url.searchParams.get('q') === 'poisoning');
    await searchSettled(page);
    assert.equal(await page.locator('#q').inputValue(), 'poisoning');
    assert.ok(!(await checkbox(page, 'domain', '2').isChecked()));
    const all = await searchApi('q=poisoning');
    assert.equal(await total(page), all.total);

    // It has a chip like a ticked value, and "Clear all" takes it out of the query too.
    await openAndSettle(page, `/?q=${encodeURIComponent('domain:2 poisoning')}&type=risk`);
    assert.deepEqual(await page.locator('#chips .chip').evaluateAll((cs) => cs.map((c) => c.getAttribute('aria-label'))),
      ['Remove filter Record type: Risk', 'Remove filter Domain: 2. Privacy & Security']);
    await page.locator('#chips .clear-all').click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'poisoning' && !url.searchParams.has('type'));
    await searchSettled(page);
    assert.equal(await total(page), all.total);
    assert.ok(await page.locator('#chips').isHidden());
  });
});

test('a ticked value stays in place and visible while other filters change its count', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/');
    const tactics = (await facetSnapshot(page)).tactic;
    assert.ok(tactics && tactics.length > 3, 'the tactic facet has several values');
    const picked = tactics[2];
    await checkbox(page, 'tactic', picked.value).check();
    await searchSettled(page);
    const after = (await facetSnapshot(page)).tactic;
    assert.equal(after[2].value, picked.value, 'the ticked value did not move');
    assert.ok(after[2].checked);

    // Another facet changes the tactic counts (the server reorders them by count): the list
    // keeps the order it had, and the ticked value stays listed, even at count 0.
    await checkbox(page, 'lifecycle', 'ml-model-evaluation').check();
    await searchSettled(page);
    const changed = (await facetSnapshot(page)).tactic;
    const shown = new Set(changed.map((v) => v.value));
    assert.deepEqual(changed.map((v) => v.value), tactics.map((v) => v.value).filter((v) => shown.has(v)),
      'tactics keep their first order');
    assert.ok(changed.some((v) => v.value === picked.value && v.checked), 'the ticked value is still listed');
    assert.ok(await checkbox(page, 'tactic', picked.value).isVisible());

    // A query that matches nothing: the ticked value is still there to untick.
    await page.locator('#q').fill('zzqxw');
    await page.waitForURL(/q=zzqxw/);
    await searchSettled(page);
    assert.equal(await total(page), 0);
    assert.deepEqual((await facetSnapshot(page)).tactic, [{ value: picked.value, count: 0, checked: true }]);
    await checkbox(page, 'tactic', picked.value).uncheck();
    await searchSettled(page);
    assert.ok(!page.url().includes('tactic='));
  });
});

test('long facets show their top values, a show-more toggle and a filter box', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/');
    const facet = page.locator('#facets .facet[data-facet="tactic"]');
    const shown = await facet.locator('.facet-item').count();
    assert.ok(shown <= 8, `collapsed facet shows at most 8 values (${shown})`);
    const more = facet.locator('.facet-more');
    assert.ok(await more.isVisible(), 'show more is offered');
    await more.click();
    const all = await facet.locator('.facet-item').count();
    assert.ok(all > shown, 'show more lists every value');
    const label = (await facet.locator('.facet-label').last().textContent()).trim();
    await facet.locator('.facet-filter').fill(label.slice(0, 6));
    const filtered = await facet.locator('.facet-label').allTextContents();
    assert.ok(filtered.length >= 1 && filtered.length < all, `the filter box narrows the values (${filtered})`);
    assert.ok(filtered.every((t) => t.toLowerCase().includes(label.slice(0, 6).toLowerCase())));
    // A screen reader is told how many values the filter matches, and when none does.
    const told = (text) => page.waitForFunction((t) => document.getElementById('announcer').textContent === t, text);
    await told(`${filtered.length} matching value${filtered.length === 1 ? '' : 's'}`);
    await facet.locator('.facet-filter').fill('zzzq');
    assert.ok(await facet.locator('.facet-none').isVisible());
    await told('No matching values');
  });
});

test('subdomains are grouped under their domain', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/');
    const { facets } = await (await fetch(`${server.baseUrl}/api/facets`)).json();
    const domainLabel = new Map(facets.domain.map((d) => [d.value, d.label]));
    const facet = page.locator('#facets .facet[data-facet="subdomain"]');
    const more = facet.locator('.facet-more');
    if (await more.isVisible()) await more.click();
    await facet.locator('.facet-more[aria-expanded="true"], .facet-more[hidden]').waitFor({ state: 'attached' });
    const groups = await facet.locator('.facet-group').evaluateAll((els) => els.map((g) => ({
      title: g.querySelector('.facet-group-title').textContent,
      values: [...g.querySelectorAll('input')].map((i) => i.dataset.value),
    })));
    assert.ok(groups.length > 1, 'several domains hold subdomains');
    const domains = groups.map((g) => g.values[0].split('.')[0]);
    assert.equal(new Set(domains).size, domains.length, `one group per domain (${domains})`);
    groups.forEach((g, i) => {
      assert.ok(g.values.every((v) => v.split('.')[0] === domains[i]), `group ${g.title} holds only domain ${domains[i]}: ${g.values}`);
      assert.equal(g.title, domainLabel.get(domains[i]), 'the heading is the domain\'s label');
    });
    // The groups follow the domain facet's order on screen (by code), and hold every subdomain once.
    const domainOrder = (await facetSnapshot(page)).domain.map((v) => v.value);
    assert.deepEqual(domains, domainOrder.filter((d) => domains.includes(d)), 'groups in domain order');
    assert.deepEqual(groups.flatMap((g) => g.values).sort(), facets.subdomain.map((v) => v.value).sort(),
      'every subdomain is listed, in its domain\'s group');
  });
});

test('clicking a bar of the domain chart toggles that domain filter', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=poisoning');
    const bar = page.locator('#chart .chart-row').first();
    const value = await bar.getAttribute('data-value');
    await bar.click();
    await page.waitForURL(new RegExp(`domain=${encodeURIComponent(value)}`));
    await searchSettled(page);
    assert.ok(await checkbox(page, 'domain', value).isChecked());
    assert.equal(await page.locator(`#chart .chart-row[data-value="${value}"]`).getAttribute('aria-pressed'), 'true');
    await page.locator(`#chart .chart-row[data-value="${value}"]`).click();
    await searchSettled(page);
    assert.ok(!page.url().includes('domain='));

    // From the keyboard, the focus stays on the bar, redrawn with the answer.
    await page.locator(`#chart .chart-row[data-value="${value}"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`domain=${encodeURIComponent(value)}`));
    await searchSettled(page);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.value), value);
    // Removing the filter by its chip: the chip goes, the focus goes to the results, not the page.
    await page.locator('#chips .chip').first().focus();
    await page.keyboard.press('Enter');
    await searchSettled(page);
    assert.ok(!page.url().includes('domain='));
    assert.notEqual(await page.evaluate(() => document.activeElement.tagName), 'BODY');
  });
});

test('pagination and sort live in the URL and survive a reload', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?per_page=10');
    const firstPage = await page.locator('#hits .hit').evaluateAll((hits) => hits.map((h) => h.dataset.id));
    assert.equal(firstPage.length, 10);
    assert.match(await page.locator('#pagination .page-summary').textContent(), /Page 1 of \d+/);
    await page.locator('#pagination a[rel=next]').click();
    await page.waitForURL(/page=2/);
    await searchSettled(page);
    const secondPage = await page.locator('#hits .hit').evaluateAll((hits) => hits.map((h) => h.dataset.id));
    assert.equal(secondPage.length, 10);
    assert.ok(secondPage.every((id) => !firstPage.includes(id)), 'page 2 holds other records');
    assert.equal(await page.locator('#pagination [aria-current=page]').textContent(), '2');

    await page.selectOption('#sort', 'id');
    await page.waitForURL(/sort=id/);
    await searchSettled(page);
    assert.ok(!page.url().includes('page=2'), 'a new sort starts at page 1');
    const ids = await page.locator('#hits .hit').evaluateAll((hits) => hits.map((h) => h.dataset.id));
    const api = await (await fetch(`${server.baseUrl}/api/search?per_page=10&sort=id`)).json();
    assert.deepEqual(ids, api.hits.map((h) => h.id), 'hits follow the server\'s id order');

    await page.reload();
    await searchSettled(page);
    assert.equal(await page.locator('#sort').inputValue(), 'id');
    assert.deepEqual(await page.locator('#hits .hit').evaluateAll((hits) => hits.map((h) => h.dataset.id)), ids);
    await page.goBack();
    await searchSettled(page);
    assert.equal(await page.locator('#pagination [aria-current=page]').textContent(), '2', 'Back restores page 2');
  });
});

test('a risk page shows its profile, source and suggested mitigations with lifecycle stages', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=poisoning&type=risk');
    const firstLink = page.locator('#hits .hit-title a').first();
    const id = await firstLink.getAttribute('data-record');
    await firstLink.click();
    await page.waitForURL(new RegExp(`record=${id.replace(/\./g, '\\.')}`));
    await page.locator('#record-title').waitFor();
    assert.equal(await page.locator('.record-kicker .badge').textContent(), 'AI Risk');

    const sections = await page.locator('.record-section h2').allTextContents();
    for (const name of ['Record summary', 'Risk profile', 'Source', 'Suggested mitigations', 'Linked techniques']) {
      assert.ok(sections.some((s) => s.startsWith(name)), `section ${name} in ${sections}`);
    }
    const mitigations = page.locator('.record-section', { hasText: 'Suggested mitigations' }).locator('.card');
    assert.ok(await mitigations.count() > 0, 'the risk has suggested mitigations');
    const stages = await mitigations.locator('.tag-stage').allTextContents();
    assert.ok(stages.length > 0, 'mitigations show lifecycle stages');
    assert.ok(stages.some((s) => /Deployment|Data Preparation|Model|Understanding|Monitoring/.test(s)), stages.join(', '));

    // A linked mitigation opens inside the UI; Back returns to the risk, then to the results.
    const mitigationLink = mitigations.first().locator('a[data-record]');
    const mid = await mitigationLink.getAttribute('data-record');
    await mitigationLink.click();
    await page.waitForURL(new RegExp(`record=${mid.replace(/\./g, '\\.')}`));
    await page.locator('.record-kicker .badge', { hasText: 'Mitigation' }).waitFor();
    assert.ok(await page.locator('.record-section', { hasText: 'Linked risks' }).isVisible());
    await page.goBack();
    await page.locator('.record-kicker .record-id', { hasText: id }).waitFor();
    await page.goBack();
    await searchSettled(page);
    assert.ok(await page.locator('#hits .hit').first().isVisible());
    assert.equal(await page.inputValue('#q'), 'poisoning');
  });
});

async function getJson(route) {
  const response = await fetch(`${server.baseUrl}${route}`);
  assert.equal(response.status, 200, route);
  return response.json();
}

// The words a chip list shows for `words`: parts of a listed hyphenated word are left out.
// [{id, words}] of the cards of the record section whose heading starts with `heading`.
function cardsIn(page, heading) {
  return page.locator('.record-section').filter({ has: page.locator('h2', { hasText: heading }) })
    .locator('.card').evaluateAll((cards) => cards.map((c) => ({
      id: c.dataset.id,
      words: [...c.querySelectorAll('.word-chips li')].map((li) => li.textContent),
    })));
}

test('a risk page shows related risks from other papers and orders its techniques and mitigations by relevance', async () => {
  await withPage(async (page) => {
    const id = '08.01.01';
    const rec = await getJson(`/api/records/${id}`);
    const related = await getJson(`/api/records/${id}/related`);
    assert.ok(related.related.length > 1, 'the risk has related risks');
    assert.notDeepEqual(related.techniques.map((t) => t.id), rec.techniques.map((t) => t.id),
      'relevance reorders the stored techniques (so the order on screen tells which one is used)');

    await page.goto(`/?record=${id}`);
    await page.locator('#record-title').waitFor();
    const section = page.locator('.record-related');
    assert.equal(await section.locator('h2').textContent(), `Related risks (${related.related.length})`);
    const shown = await section.locator('.related-item').evaluateAll((items) => items.map((li) => ({
      id: li.dataset.id,
      link: li.querySelector('a[data-record]').dataset.record,
      href: li.querySelector('a[data-record]').getAttribute('href'),
      title: li.querySelector('a[data-record]').textContent,
      source: li.querySelector('.related-source cite').textContent,
      words: [...li.querySelectorAll('.word-chips li')].map((w) => w.textContent),
    })));
    assert.deepEqual(shown.map(({ id: rid, link, title, source, words }) => ({ id: rid, link, title, source, words })),
      related.related.map((r) => ({ id: r.id, link: r.id, title: r.title, source: r.source, words: r.words })),
      'every related risk, most similar first, with its title, source and tying words');
    assert.ok(shown.every((r) => r.href.includes(`record=${r.id}`)), 'each title links to that record\'s page');
    assert.ok(shown.every((r) => r.id !== id && r.source !== rec.source.quickref), 'all from other source papers');
    assert.ok(['injection', 'prompt'].every((w) => shown[0].words.includes(w)),
      'the most similar risk is tied by the words of prompt injection');

    // Linked techniques and mitigations in the order of /related, each with its tying words.
    const techniques = await cardsIn(page, 'Linked techniques');
    assert.deepEqual(techniques, related.techniques.map((t) => ({ id: t.id, words: t.words })));
    assert.equal(techniques[0].id, 'AML.T0051');
    assert.deepEqual(techniques[0].words, ['injection', 'prompt', 'developer']);
    assert.ok(techniques.at(-1).words.length === 0, 'techniques that nothing ties come last, without chips');
    const mitigations = await cardsIn(page, 'Suggested mitigations');
    assert.deepEqual(mitigations, related.mitigations.map((m) => ({ id: m.id, words: m.words })));
    const first = page.locator('.record-section', { hasText: 'Linked techniques' }).locator('.card').first();
    assert.equal(await first.locator('.card-meta dt').first().textContent(), 'Shared words');

    // A related risk opens in place, with its own related risks; Back returns.
    const target = related.related[0];
    await section.locator(`a[data-record="${target.id}"]`).click();
    await page.waitForURL(new RegExp(`record=${target.id.replace(/\./g, '\\.')}`));
    await page.locator('#record-title', { hasText: target.title }).waitFor();
    const back = (await getJson(`/api/records/${target.id}/related`)).related;
    assert.deepEqual(await page.locator('.record-related .related-item').evaluateAll((items) => items.map((li) => li.dataset.id)),
      back.map((r) => r.id));
    await page.goBack();
    await page.locator('#record-title', { hasText: rec.title }).waitFor();
  });
});

test('technique and mitigation pages order their linked records by relevance and show related risks', async () => {
  await withPage(async (page) => {
    const technique = await getJson('/api/records/AML.T0051/related');
    await page.goto('/?record=AML.T0051');
    await page.locator('#record-title').waitFor();
    assert.deepEqual(await cardsIn(page, 'Mitigations'), technique.mitigations.map((m) => ({ id: m.id, words: m.words })));
    assert.deepEqual(await page.locator('.record-related .related-item').evaluateAll((items) => items.map((li) => li.dataset.id)),
      technique.related.map((r) => r.id));

    // A hyphenated word stands for its parts: the server lists "fine-tuning", not also "fine" and "tuning".
    const mitigation = await getJson('/api/records/AML.M0015/related');
    await page.goto('/?record=AML.M0015');
    await page.locator('#record-title').waitFor();
    assert.deepEqual(await cardsIn(page, 'Techniques addressed'),
      mitigation.techniques.map((t) => ({ id: t.id, words: t.words })));
    const risk = await getJson('/api/records/02.01.02/related');
    assert.equal(risk.related[0].words[0], 'fine-tuning');
    assert.ok(!risk.related[0].words.includes('fine') && !risk.related[0].words.includes('tuning'), risk.related[0].words.join(', '));
    await page.goto('/?record=02.01.02');
    await page.locator('#record-title').waitFor();
    assert.deepEqual(await page.locator('.record-related .related-item').first().locator('.word-chips li').allTextContents(),
      risk.related[0].words);
  });
});

test('a record page renders fully without its related records when /related fails', async () => {
  await withPage(async (page) => {
    const id = '08.01.01';
    const rec = await getJson(`/api/records/${id}`);
    let asked = 0;
    await page.route('**/api/records/*/related', (route) => {
      asked += 1;
      return route.fulfill({ status: 500, json: { error: { code: 'internal', message: 'related failed' } } });
    });
    await page.goto(`/?record=${id}`);
    await page.locator('#record-title').waitFor();
    assert.equal(asked, 1, '/related was asked');
    assert.equal(await page.locator('#record-title').textContent(), rec.title);
    assert.deepEqual(await page.locator('.record-section h2').allTextContents(), [
      'Record summary', 'Risk profile', 'Source',
      `Seen in case studies (${rec.case_studies.length}: ${rec.case_studies.filter((c) => c.kind === 'incident').length} incident${rec.case_studies.filter((c) => c.kind === 'incident').length === 1 ? '' : 's'})`,
      `Suggested mitigations (${rec.mitigations.length})`, `Linked techniques (${rec.techniques.length})`,
    ], 'every section but Related risks');
    assert.equal(await page.locator('.record-related').count(), 0);
    assert.equal(await page.locator('#record-view .error').count(), 0, 'no error is shown for it');
    assert.deepEqual(await cardsIn(page, 'Linked techniques'), rec.techniques.map((t) => ({ id: t.id, words: [] })),
      'techniques in their stored order, without chips');
    assert.deepEqual((await cardsIn(page, 'Suggested mitigations')).map((m) => m.id), rec.mitigations.map((m) => m.id));
  });
});

test('a shared URL with a query, a filter and a record restores the same state on reload', async () => {
  await withPage(async (page) => {
    const url = `/?q=poisoning&domain=2&record=${POISONING_RISK}`;
    await page.goto(url);
    await page.locator('#record-title').waitFor();
    const title = await page.locator('#record-title').textContent();
    assert.match(title, /poisoning/i);

    await page.reload();
    await page.locator('#record-title').waitFor();
    assert.equal(await page.locator('#record-title').textContent(), title);
    assert.equal(await page.inputValue('#q'), 'poisoning');

    await page.locator('.back-button').click();
    await searchSettled(page);
    const n = await total(page);
    assert.ok(n > 0);
    assert.ok(await checkbox(page, 'domain', '2').isChecked());
    assert.match(await page.locator('#chips').textContent(), /Privacy/);
    assert.ok(!page.url().includes('record='));

    await page.reload();
    await searchSettled(page);
    assert.equal(await total(page), n);
    assert.ok(await checkbox(page, 'domain', '2').isChecked());
    assert.equal(await page.inputValue('#q'), 'poisoning');

    await page.goBack();
    await page.locator('#record-title').waitFor();
    assert.equal(await page.locator('#record-title').textContent(), title, 'history goes back to the record');
  });
});

test('record text holding <script> and onerror markup is shown as text and never runs', async () => {
  await withPage(async (page, problems) => {
    // Markup that reaches a live HTML parser is recorded when it is handed over, so nothing
    // has to wait for an image error or a script to run to know that none could.
    await page.addInitScript(() => {
      window.__alerted = 0;
      window.__htmlSinks = [];
      const original = window.alert.bind(window);
      window.alert = (...args) => {
        window.__alerted += 1;
        return original(...args);
      };
      const watch = (proto, name) => {
        const d = Object.getOwnPropertyDescriptor(proto, name);
        Object.defineProperty(proto, name, {
          ...d,
          set(value) {
            if (/<(img|script)/i.test(String(value))) window.__htmlSinks.push(`${name}: ${value}`);
            return d.set.call(this, value);
          },
        });
      };
      watch(Element.prototype, 'innerHTML');
      watch(Element.prototype, 'outerHTML');
      const insert = Element.prototype.insertAdjacentHTML;
      Element.prototype.insertAdjacentHTML = function (where, html) {
        if (/<(img|script)/i.test(String(html))) window.__htmlSinks.push(`insertAdjacentHTML: ${html}`);
        return insert.call(this, where, html);
      };
      const fragment = Range.prototype.createContextualFragment;
      Range.prototype.createContextualFragment = function (html) {
        if (/<(img|script)/i.test(String(html))) window.__htmlSinks.push(`createContextualFragment: ${html}`);
        return fragment.call(this, html);
      };
    });
    await page.goto(`/?record=${XSS_RISK}`);
    await page.locator('#record-title').waitFor();
    const view = page.locator('#record-view');
    assert.ok(await view.getByText('<script>alert(1)</script>').first().isVisible(), 'the <script> markup is visible as text');
    assert.ok(await view.getByText('<img src=x onerror=alert(2)>').first().isVisible(), 'the <img onerror> markup is visible as text');
    assert.equal(await view.locator('img, script').count(), 0, 'no element was made from the record text');

    // The same text through the search snippets: wait until the risk's snippet shows the markup as text.
    await openAndSettle(page, '/?q=display%20name%20payload');
    const hit = page.locator(`#hits .hit[data-id="${XSS_RISK}"] .hit-snippet`);
    await hit.filter({ hasText: '<img src=x onerror=alert(2)>' }).waitFor();
    assert.match(await hit.textContent(), /<script>alert\(1\)<\/script>/, 'the snippet shows the <script> markup as text');
    assert.deepEqual(await hit.locator('mark').allTextContents(), ['display', 'name', 'payload'], 'only <mark> is kept');
    assert.equal(await page.locator('#hits img, #hits script').count(), 0);
    assert.deepEqual(await page.evaluate(() => window.__htmlSinks), [], 'no record text went through an HTML parser');
    assert.equal(await page.evaluate(() => window.__alerted), 0, 'alert was never called');
    assert.deepEqual(problems.dialogs, []);
  });
});

test('a misspelt query says which query it searched instead, and the suggestion is clickable', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=poisonng');
    const notice = page.locator('#notices .notice').first();
    assert.equal((await notice.textContent()).trim(), 'poisonng is in no record; showing results for “poisoning”.');
    assert.deepEqual(await notice.locator('s').allTextContents(), ['poisonng'], 'the misspelt word is struck through');
    assert.ok(await total(page) > 0, 'hits for the corrected query are shown');
    await notice.getByRole('button', { name: '“poisoning”' }).click();
    await page.waitForURL(/q=poisoning(&|$)/);
    await searchSettled(page);
    assert.equal(await page.inputValue('#q'), 'poisoning');
    assert.ok(await page.locator('#notices').isHidden(), 'no notice for a query that matched');

    // A misspelt word beside words that match is corrected too; the notice names only that word.
    const api = await (await fetch(`${server.baseUrl}/api/search?q=${encodeURIComponent('poisning attack')}`)).json();
    assert.equal(api.corrected, true);
    assert.equal(api.suggestion, 'poisoning attack');
    assert.equal(api.relaxed, false, 'the corrected query matches with every word');
    await openAndSettle(page, `/?q=${encodeURIComponent('poisning attack')}`);
    assert.equal((await page.locator('#notices').textContent()).trim(),
      'poisning is in no record; showing results for “poisoning attack”.');
    assert.match(await page.locator('#result-status').textContent(), /^\d+ results? for “poisoning attack”/);
    assert.equal(await total(page), api.total);
    assert.equal(await page.locator('#notices .notice').count(), 1);

    await openAndSettle(page, `/?q=${encodeURIComponent('"unbalanced')}`);
    assert.match(await page.locator('#notices').textContent(), /searched literally/);
  });
});

// {id, missing: [struck words]} of the hits on screen.
function hitsWithMissingWords(page) {
  return page.locator('#hits .hit').evaluateAll((hits) => hits.map((h) => ({
    id: h.dataset.id,
    missing: [...h.querySelectorAll('.hit-missing s')].map((s) => s.textContent),
  })));
}

async function searchApi(query) {
  return (await fetch(`${server.baseUrl}/api/search?${query}`)).json();
}

test('a relaxed answer says how many of the words its records hold and strikes out words in no record', async () => {
  await withPage(async (page) => {
    // On corpus/, no record holds all four words, some hold three, and none holds "zzzqq".
    const q = 'prompt injection invoices zzzqq';
    const api = await searchApi(`q=${encodeURIComponent(q)}`);
    assert.equal(api.relaxed, true);
    assert.deepEqual(api.relaxation, {
      words: ['prompt', 'injection', 'invoices', 'zzzqq'], min_matched: 2, best_matched: 3, dropped_words: ['zzzqq'],
    });
    await openAndSettle(page, `/?q=${encodeURIComponent(q)}`);
    const notice = page.locator('#notices .notice-relaxed');
    assert.equal((await notice.textContent()).trim(),
      'No record has all 4 words; showing records with 2–3 of them. zzzqq is in no record.');
    assert.deepEqual(await notice.locator('s').allTextContents(), ['zzzqq'], 'the dropped word is struck through');
    assert.ok(await notice.isVisible());
    const notices = await page.locator('#notices, #hits').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
    assert.ok(notices[0] < notices[1], 'the notice stands above the results');

    // Every hit says which of the words it lacks, as the server counted them.
    const shown = await hitsWithMissingWords(page);
    assert.deepEqual(shown, api.hits.map((h) => ({ id: h.id, missing: h.missing_words })));
    assert.ok(shown.every((h) => h.missing.includes('zzzqq')), 'no hit holds the dropped word');
    assert.deepEqual(shown[0].missing, ['zzzqq'], 'the best hit lacks only the dropped word');
    assert.ok(shown.some((h) => h.missing.length === 2), 'others lack two words');
    assert.equal((await page.locator('#hits .hit').first().locator('.hit-missing').textContent()).trim(), 'Missing: zzzqq');

    // A filter narrows the answer the words chose (records with 2 or more of them: the count beside
    // the value is what ticking it shows), and changes which words no record holds.
    const techniques = (await facetSnapshot(page)).type.find((v) => v.value === 'technique').count;
    await checkbox(page, 'type', 'technique').check();
    await page.waitForURL(/type=technique/);
    await searchSettled(page);
    const filtered = await searchApi(`q=${encodeURIComponent(q)}&type=technique`);
    assert.deepEqual(filtered.relaxation, {
      words: ['prompt', 'injection', 'invoices', 'zzzqq'], min_matched: 2, best_matched: 2, dropped_words: ['invoices', 'zzzqq'],
    });
    assert.equal(filtered.total, techniques);
    assert.equal(await total(page), techniques);
    assert.equal((await notice.textContent()).trim(), 'No record has all 4 words; showing records with 2 of them. '
      + 'invoices and zzzqq are in no record that matches the filters.');
    assert.deepEqual(await notice.locator('s').allTextContents(), ['invoices', 'zzzqq']);
    assert.deepEqual(await hitsWithMissingWords(page), filtered.hits.map((h) => ({ id: h.id, missing: h.missing_words })));
    assert.equal(await page.locator('#hits .must-include').count(), 0, 'no hit offers to require a word no record holds');
  });
});

test('"Must include" beside a missing word runs the query with that word required', async () => {
  await withPage(async (page) => {
    const q = 'prompt injection invoices zzzqq';
    await openAndSettle(page, `/?q=${encodeURIComponent(q)}`);
    // A hit lacking a word some record holds offers it, and never the word no record holds.
    const offered = await page.locator('#hits .hit').evaluateAll((hits) => hits.map((h) => ({
      missing: [...h.querySelectorAll('.hit-missing s')].map((s) => s.textContent),
      offers: [...h.querySelectorAll('.must-include button')].map((b) => b.textContent),
    })));
    assert.ok(offered.length > 0);
    for (const hit of offered) assert.deepEqual(hit.offers, hit.missing.filter((w) => w !== 'zzzqq'));
    const lacking = offered.find((h) => h.offers.length > 0);
    assert.ok(lacking, 'some hit lacks a word that other records hold');
    const word = lacking.offers[0];

    const before = await total(page);
    await page.locator('#hits .must-include').getByRole('button', { name: `Must include “${word}”` }).first().click();
    const required = q.split(' ').map((w) => (w === word ? `+${w}` : w)).join(' ');
    await page.waitForURL((url) => url.searchParams.get('q') === required);
    await searchSettled(page);
    assert.equal(await page.inputValue('#q'), required);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'the focus goes to the results');
    const api = await searchApi(`q=${encodeURIComponent(required)}`);
    assert.equal(await total(page), api.total);
    assert.ok(api.total > 0 && api.total < before, 'the records lacking the word left the answer');
    assert.ok(api.relaxed, 'the other words are still relaxed');
    assert.ok(!api.relaxation.words.includes(word), 'the required word is not counted by relaxation');
    const holding = new Set((await searchApi(`q=${encodeURIComponent(word)}&per_page=100`)).hits.map((h) => h.id));
    assert.ok(api.hits.every((h) => holding.has(h.id)), 'every record of the answer holds the word');
    const shown = await hitsWithMissingWords(page);
    assert.deepEqual(shown, api.hits.map((h) => ({ id: h.id, missing: h.missing_words })));
    assert.ok(shown.every((h) => !h.missing.includes(word)), 'no hit on screen lacks it');
  });
});

test('"Must include" is offered only for a word another hit holds, and marks the word where it is typed plainly', async () => {
  await withPage(async (page) => {
    // Every record holding "invoices" holds "supplier": excluded, no hit holds it, and requiring it would find none.
    await openAndSettle(page, `/?q=${encodeURIComponent('prompt injection invoices -supplier')}`);
    assert.ok((await hitsWithMissingWords(page)).some((h) => h.missing.includes('invoices')));
    assert.equal(await page.locator('#hits .must-include').count(), 0);

    // A corrected query: the word is required in the query that ran.
    await openAndSettle(page, `/?q=${encodeURIComponent('promt injecton invoices zzzqq')}`);
    await page.locator('#hits .must-include').getByRole('button', { name: 'Must include “invoices”' }).first().click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'prompt injection +invoices zzzqq');
    await searchSettled(page);

    // The plain "jailbreak", not the one in the OR.
    await openAndSettle(page, `/?q=${encodeURIComponent('jailbreak OR invoices prompt jailbreak')}`);
    await page.locator('#hits .must-include').getByRole('button', { name: 'Must include “jailbreak”' }).first().click();
    const required = 'jailbreak OR invoices prompt +jailbreak';
    await page.waitForURL((url) => url.searchParams.get('q') === required);
    await searchSettled(page);
    assert.ok((await hitsWithMissingWords(page)).every((h) => !h.missing.includes('jailbreak')));

    const requireWord = (q, word) => page.evaluate(async ([q, word]) => (await import('/js/results.js')).requireWord(q, word), [q, word]);
    assert.equal(await requireWord('"ai people harm" people x', 'people'), '"ai people harm" +people x', 'not inside a phrase');
    assert.equal(await requireWord('a AND people OR b people', 'people'), 'a AND people OR b +people', 'not beside an operator');
    assert.equal(await requireWord('a\u00a0b  people', 'people'), 'a\u00a0b  +people', 'the spacing kept');
    assert.equal(await requireWord('ChatGPT? people', 'ChatGPT?'), '+ChatGPT? people', 'the word as typed');
    assert.equal(await requireWord('"people" x', 'people'), null, 'no plain word so spelt');
  });
});

test('a relaxed answer whose hits all hold the same number of words says so; a query whose hits hold every word shows no notice', async () => {
  await withPage(async (page) => {
    const api = await searchApi('q=supply%20chain%20chatbot');
    assert.equal(api.relaxed, true);
    assert.deepEqual(api.relaxation, { words: ['supply', 'chain', 'chatbot'], min_matched: 2, best_matched: 2, dropped_words: [] });
    await openAndSettle(page, '/?q=supply%20chain%20chatbot');
    const notice = page.locator('#notices .notice-relaxed');
    assert.equal((await notice.textContent()).trim(), 'No record has all 3 words; showing records with 2 of them.');
    assert.equal(await notice.locator('s').count(), 0, 'no word is struck through when every word is in some record');
    const shown = await hitsWithMissingWords(page);
    assert.equal(shown.length, api.hits.length);
    assert.ok(shown.every((h) => h.missing.length === 1), 'each hit lacks one of the three words');
    assert.deepEqual(shown, api.hits.map((h) => ({ id: h.id, missing: h.missing_words })));

    // Typing a query whose records hold every word takes the notice and the missing words away.
    await page.locator('#q').fill('prompt injection');
    await page.waitForURL(/q=prompt\+injection$/);
    await searchSettled(page);
    const strict = await searchApi('q=prompt%20injection');
    assert.equal(strict.relaxed, false);
    assert.equal(await total(page), strict.total);
    assert.ok(await page.locator('#notices').isHidden(), 'no notice');
    assert.equal(await page.locator('#hits .hit-missing').count(), 0, 'no hit lists missing words');
    assert.ok(await page.locator('#hits .hit').count() > 0);
  });
});

test('a query that has hits but a likelier spelling offers "Did you mean", which searches it', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, `/?q=${encodeURIComponent('privacy OR poisonng')}`);
    const before = await total(page);
    assert.ok(before > 0, 'the query as typed has hits');
    const notice = page.locator('#notices .notice').first();
    assert.equal((await notice.textContent()).trim(), 'Did you mean privacy OR poisoning?');
    await notice.getByRole('button', { name: 'privacy OR poisoning' }).click();
    await page.waitForURL(/q=privacy(\+|%20)OR(\+|%20)poisoning(&|$)/);
    await searchSettled(page);
    assert.equal(await page.inputValue('#q'), 'privacy OR poisoning');
    assert.ok(await total(page) > before, 'the suggested query finds more');
    assert.ok(await page.locator('#notices').isHidden(), 'no notice once the query is spelt right');
  });
});

test('an API error is shown with the server message', async () => {
  await withPage(async (page) => {
    const q = 'a'.repeat(1100);
    const api = await fetch(`${server.baseUrl}/api/search?q=${q}`);
    assert.equal(api.status, 400);
    const { error } = await api.json();
    await page.goto(`/?q=${q}`);
    await page.locator('#error').waitFor();
    assert.ok((await page.locator('#error').textContent()).includes(error.message), 'the error message is shown');
    assert.equal(await page.locator('#error').getAttribute('role'), 'alert');
    assert.equal(await page.locator('#hits .hit').count(), 0);
  });
});

test('an empty result says why and drops one filter with one click', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=poisoning&type=technique&domain=2');
    assert.equal(await total(page), 0);
    const empty = page.locator('#empty');
    assert.ok(await empty.isVisible());
    assert.match(await empty.textContent(), /No records match “poisoning” with the 2 filters/);
    // From the keyboard: the button goes with the box, the focus goes to the results, not the page.
    await empty.getByRole('button', { name: /Remove Domain/ }).focus();
    await page.keyboard.press('Enter');
    await searchSettled(page);
    assert.ok(await total(page) > 0);
    assert.ok(await empty.isHidden());
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    assert.ok(!page.url().includes('domain='));
    assert.ok(page.url().includes('type=technique'));

    // Words alone, no filter to drop: the box says so and holds nothing else.
    await openAndSettle(page, '/?q=qqqzzzxv');
    assert.equal(await total(page), 0);
    const text = await empty.innerText();
    assert.match(text, /No records match “qqqzzzxv”/);
    assert.ok(!/null|undefined/.test(text), text);
  });
});

test('keyboard: "/" focuses the search box and Enter opens the first hit', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/');
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    assert.ok(await page.evaluate(() => document.activeElement.id === 'q'));
    // From a facet checkbox too: it takes no typing.
    await checkbox(page, 'type', 'risk').focus();
    await page.keyboard.press('/');
    assert.ok(await page.evaluate(() => document.activeElement.id === 'q'));
    await page.keyboard.type('poisoning');
    await page.keyboard.press('Enter');
    await page.waitForURL(/record=/);
    await page.locator('#record-title').waitFor();
    const api = await (await fetch(`${server.baseUrl}/api/search?q=poisoning`)).json();
    assert.equal(new URL(page.url()).searchParams.get('record'), api.hits[0].id);
    // The record's title takes the focus, so a screen reader hears that the page changed.
    await page.waitForFunction(() => document.activeElement.id === 'record-title');
    // The browser's Back returns the focus to the hit the record was opened from.
    await page.goBack();
    await searchSettled(page);
    await page.waitForFunction((id) => document.activeElement.dataset.record === id, api.hits[0].id);

    // Typing on straight after Enter: the box keeps the focus and every key.
    await page.locator('#q').fill('');
    await page.locator('#q').pressSequentially('poisoning');
    await page.keyboard.press('Enter');
    await page.keyboard.type(' model data');
    await page.waitForURL((url) => url.searchParams.get('q') === 'poisoning model data' && !url.searchParams.has('record'));
    await searchSettled(page);
    await page.waitForTimeout(300);  // a record answer still in flight would take the focus now
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
    assert.equal(await page.locator('#q').inputValue(), 'poisoning model data');
  });
});

// The headings a screen reader lists, in page order: each view has one h1, and it comes first.
function visibleHeadings(page) {
  // Rendered ones only (a visually hidden heading has a 1 px box; one under display: none has none).
  return page.$$eval('h1, h2, h3', (hs) => hs.filter((h) => h.getClientRects().length > 0).map((h) => h.tagName));
}

test('headings: the search view and a record page each have one h1, before every other heading', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=poisoning');
    const search = await visibleHeadings(page);
    assert.equal(search[0], 'H1', `headings: ${search}`);
    assert.equal(search.filter((t) => t === 'H1').length, 1, `headings: ${search}`);
    await page.goto(`/?record=${POISONING_RISK}`);
    await page.locator('#record-title').waitFor();
    const record = await visibleHeadings(page);
    assert.equal(record[0], 'H1', `headings: ${record}`);
    assert.equal(record.filter((t) => t === 'H1').length, 1, `headings: ${record}`);
  });
});

// WCAG 1.4.11: a text box or select shows where it is by its border alone, so the border needs 3:1
// against what surrounds it, in either colour scheme.
test('the search box, a facet filter box and the sort select have borders of 3:1 in light and dark', async () => {
  await withPage(async (page) => {
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      await openAndSettle(page, '/?q=model');
      const ratios = await page.evaluate(() => {
        const rgb = (css) => css.match(/[\d.]+/g).map(Number);
        const luminance = ([r, g, b]) => [r, g, b]
          .map((c) => c / 255)
          .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
          .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
        const contrast = (a, b) => {
          const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
          return (hi + 0.05) / (lo + 0.05);
        };
        const backgroundAround = (el) => {
          for (let node = el.parentElement; node; node = node.parentElement) {
            const c = rgb(getComputedStyle(node).backgroundColor);
            if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
          }
          return [255, 255, 255];
        };
        return Object.fromEntries(['#q', '#facets .facet-filter', '#sort'].map((selector) => {
          const el = document.querySelector(selector);
          const style = getComputedStyle(el);
          const border = rgb(style.borderTopColor).slice(0, 3);
          return [selector, Math.min(contrast(border, rgb(style.backgroundColor).slice(0, 3)),
                                     contrast(border, backgroundAround(el)))];
        }));
      });
      for (const [selector, ratio] of Object.entries(ratios))
        assert.ok(ratio >= 3, `${colorScheme}: ${selector} border contrast ${ratio.toFixed(2)}`);
    }
  });
});

test('keyboard: an option redrawn under the arrow is no longer active, and a filter unticked at 0 keeps the focus', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/');
    const input = page.locator('#q');
    await input.pressSequentially('poison', { delay: 20 });
    await page.getByRole('listbox').waitFor({ state: 'visible' });
    await page.keyboard.press('ArrowDown');
    assert.equal(await input.getAttribute('aria-activedescendant'), 'suggestions-0');
    await page.keyboard.type('i');
    await page.waitForFunction(() => [...document.querySelectorAll('#suggestions li[role=option] strong')]
      .some((s) => s.textContent.toLowerCase() === 'poisoni'));
    assert.equal(await input.getAttribute('aria-activedescendant'), null, 'no option is active in the new list');
    assert.equal(await page.locator('#suggestions [aria-selected=true]').count(), 0);

    // A ticked source that matches nothing under this query, unticked: its checkbox goes, the focus stays.
    await openAndSettle(page, '/?q=qqqzzzxv&source=Vasquez2025');
    const ticked = checkbox(page, 'source', 'Vasquez2025');
    assert.ok(await ticked.isChecked());
    await ticked.focus();
    await page.keyboard.press('Space');
    await searchSettled(page);
    assert.ok(!page.url().includes('source='));
    assert.notEqual(await page.evaluate(() => document.activeElement.tagName), 'BODY');
  });
});

test('suggestions belong to the text in the box: none after Back changed it, none asked past the API limit', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=poisoning');
    const input = page.locator('#q');
    await input.fill('');
    await input.pressSequentially('deepfake', { delay: 20 });
    const listbox = page.getByRole('listbox');
    await listbox.waitFor({ state: 'visible' });
    await searchSettled(page);
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('#q').value === 'poisoning');
    await input.focus();
    await page.keyboard.press('ArrowDown');
    assert.ok(await listbox.isHidden(), 'suggestions for "deepfake" are not shown for "poisoning"');

    const refused = [];
    page.on('response', (r) => { if (r.url().includes('/api/suggest') && r.status() >= 400) refused.push(r.status()); });
    await input.fill('a'.repeat(205));
    await input.pressSequentially('bc', { delay: 200 });
    await page.waitForTimeout(400);
    assert.deepEqual(refused, [], 'no suggestion asked for a query the API refuses');
  });
});

test('a slow answer to an older query never replaces the newer one', async () => {
  await withPage(async (page) => {
    // The answer to "data" is held back until the newer query's answer is on screen.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    let stale = null;
    let sent;
    const staleSent = new Promise((resolve) => { sent = resolve; });
    const staleEnded = new Promise((resolve) => {
      page.on('requestfailed', (request) => { if (request === stale) resolve('failed'); });
      page.on('requestfinished', (request) => { if (request === stale) resolve('finished'); });
    });
    await page.route('**/api/search?**', async (route) => {
      if (new URL(route.request().url()).searchParams.get('q') === 'data') {
        stale = route.request();
        sent();
        await held;
      }
      await route.continue().catch(() => {});
    });
    await openAndSettle(page, '/');
    await page.locator('#q').fill('data');
    await page.waitForURL(/q=data$/);
    await staleSent;
    await page.locator('#q').fill('data poisoning');
    await page.waitForURL(/q=data\+poisoning/);
    await searchSettled(page);
    assert.match(await page.locator('#result-status').textContent(), /for “data poisoning”/);

    // Let the old answer go: the page has abandoned its request, so it can never be shown.
    release();
    assert.equal(await staleEnded, 'failed', 'the page aborted the older request');
    assert.match(await page.locator('#result-status').textContent(), /for “data poisoning”/);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'data poisoning');
  });
});

test('footer shows data versions; export links carry the current search', async () => {
  await withPage(async (page) => {
    const health = await (await fetch(`${server.baseUrl}/healthz`)).json();
    await openAndSettle(page, '/?q=poisoning&type=risk');
    await page.locator('#versions', { hasText: 'ATLAS' }).waitFor();
    const footer = await page.locator('#versions').textContent();
    assert.ok(footer.includes(String(health.versions.atlas_version)), footer);
    assert.ok(footer.includes(`${health.documents} documents`), footer);

    const csv = await page.locator('#export-csv').getAttribute('href');
    const params = new URL(csv, server.baseUrl).searchParams;
    assert.equal(params.get('q'), 'poisoning');
    assert.equal(params.get('type'), 'risk');
    assert.equal(params.get('format'), 'csv');
    const response = await fetch(new URL(csv, server.baseUrl));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') || '', /csv/);
    const json = await page.locator('#export-json').getAttribute('href');
    assert.equal(new URL(json, server.baseUrl).searchParams.get('format'), 'json');
  });
});

test('record pages have a permalink and copy a citation', async () => {
  await withPage(async (page) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(`/?q=poisoning&record=${POISONING_RISK}`);
    await page.locator('#record-title').waitFor();
    assert.equal(await page.locator('.record-actions a', { hasText: 'Permalink' }).getAttribute('href'),
      `/?record=${POISONING_RISK}`);
    await page.locator('.record-actions button', { hasText: 'Copy citation' }).click();
    await page.locator('#toast', { hasText: 'copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const rec = await (await fetch(`${server.baseUrl}/api/records/${POISONING_RISK}`)).json();
    assert.ok(copied.includes(rec.source.title), copied);
    assert.ok(copied.includes(rec.source.quickref), copied);
    assert.ok(copied.includes(`record=${POISONING_RISK}`), copied);
    // A description that comes in quotes of its own is quoted once.
    const quoted = await page.evaluate(async () => (await import('/js/record.js')).citationFor(
      { type: 'risk', id: 'X', title: 'T', description: '"Models leak data."', source: {} }, 'P'));
    assert.ok(quoted.includes(' "Models leak data." ') || quoted.startsWith('"Models leak data." '), quoted);
    assert.ok(!quoted.includes('""'), quoted);
    // The permalink is followed: the page of the record alone, not the record inside this search.
    await page.locator('.record-actions a', { hasText: 'Permalink' }).click();
    await page.waitForURL((url) => url.search === `?record=${POISONING_RISK}`);
    await page.locator('#record-title').waitFor();
  });
});

// How far the page scrolls sideways (0 when nothing is wider than the window).
function horizontalOverflow(page) {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)
    - document.documentElement.clientWidth);
}

test('layout: facets beside the results on a desktop, behind a Filters button on a phone, never wider than the window', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=poisoning&domain=2');
    const panel = page.locator('#facet-panel');
    assert.ok(await panel.isVisible(), 'the facet panel is shown');
    assert.ok(await page.locator('#filters-toggle').isHidden(), 'no Filters button on a desktop');
    const p = await panel.boundingBox();
    const r = await page.locator('#hits').boundingBox();
    assert.ok(p.x + p.width <= r.x, `the panel (right edge ${p.x + p.width}) is left of the results (${r.x})`);
    assert.ok(p.y < r.y + r.height && r.y < p.y + p.height,
      'the panel and the results stand side by side');
    assert.ok(r.width > 2 * p.width, 'the results take most of the width');
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal scrolling on the search page');
    await page.screenshot({ path: path.join(ARTIFACTS, 'search.png'), fullPage: true });

    await page.goto(`/?record=${POISONING_RISK}`);
    await page.locator('#record-title').waitFor();
    assert.ok(await panel.isHidden(), 'a record page has no facet panel');
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal scrolling on a record page');
    await page.screenshot({ path: path.join(ARTIFACTS, 'record.png'), fullPage: true });
  });
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=poisoning');
    const panel = page.locator('#facet-panel');
    const toggle = page.locator('#filters-toggle');
    assert.ok(await toggle.isVisible(), 'a Filters button at phone width');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.ok(await panel.isHidden(), 'the facets are folded away');
    assert.ok(await page.locator('#hits .hit').first().isVisible(), 'the results come first');
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal scrolling at phone width');

    await toggle.click();
    await panel.waitFor({ state: 'visible' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const p = await panel.boundingBox();
    const r = await page.locator('#hits').boundingBox();
    assert.ok(p.y + p.height <= r.y, 'the opened panel stands above the results');
    assert.ok(p.width > page.viewportSize().width * 0.8, `the opened panel takes the width (${p.width}px)`);
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal scrolling with the facets open');
    await page.screenshot({ path: path.join(ARTIFACTS, 'search-phone.png'), fullPage: true });
    await toggle.click();
    await panel.waitFor({ state: 'hidden' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');

    // No Search button at this width: Enter (a phone keyboard's Go) searches, it does not open a hit.
    assert.ok(await page.locator('#search-form button[type=submit]').isHidden());
    await page.locator('#q').fill('evasion');
    await page.locator('#q').press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === 'evasion');
    await searchSettled(page);
    assert.ok(!new URL(page.url()).searchParams.has('record'), 'the results, not a record');

    await page.goto(`/?record=${POISONING_RISK}`);
    await page.locator('#record-title').waitFor();
    assert.ok(await toggle.isHidden(), 'no Filters button on a record page');
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal scrolling on a record page at phone width');
    // A wide code block (ATLAS texts hold some) scrolls by itself, not the page.
    await page.evaluate(() => {
      const pre = document.createElement('pre');
      pre.textContent = 'x'.repeat(400);
      const box = document.createElement('div');
      box.className = 'record-description';
      box.append(pre);
      document.querySelector('.record-section').append(box);
    });
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal scrolling beside a wide code block');

    // A long unbroken query wraps.
    await openAndSettle(page, `/?q=${'x'.repeat(300)}`);
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal scrolling with a long unbroken query');
  }, { viewport: { width: 390, height: 844 } });
  // The narrowest phones (WCAG's 320 px reflow): a chip naming a long paper title shrinks to fit.
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=evasion&domain=2&source=Vasquez2025');
    assert.ok(await page.locator('#chips .chip').first().isVisible());
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal scrolling with long filter chips at 320 px');
  }, { viewport: { width: 320, height: 640 } });
});

// Case studies of the default corpus: AML.CS0000 is a 2025 incident (a cloned voice used in a
// payment fraud, technique AML.T0052.001); AML.T0015 was used by two exercises.
test('a case-study page shows its procedure as an attack chain linking each technique and tactic', async () => {
  await withPage(async (page) => {
    await page.goto('/?record=AML.CS0000');
    await page.locator('#record-title').waitFor();
    assert.equal(await page.locator('.record-kicker .badge').textContent(), 'Case study');
    assert.equal(await page.locator('#record-title').textContent(), 'Cloned Voice Payment Request at a Freight Broker');
    const steps = page.locator('#attack-chain .chain-step');
    assert.equal(await steps.count(), 4);
    const third = steps.nth(2);
    assert.equal(await third.locator('a[data-record]').getAttribute('data-record'), 'AML.T0052.001');
    assert.equal(await third.locator('.chain-tactic').textContent(), 'Initial Access');
    assert.match(await third.locator('.chain-tactic').getAttribute('href'), /tactic=AML\.TA0004/);
    assert.match(await page.locator('.definition', { hasText: 'Reported by' }).textContent(), /Harbour Line security desk/);
    assert.match(await page.locator('.record-kicker').textContent(), /Incident/);

    // A technique of the chain opens in place; its page lists this case study.
    await third.locator('a[data-record]').click();
    await page.waitForURL(/record=AML\.T0052\.001/);
    await page.locator('.case-item[data-id="AML.CS0000"]').waitFor();
    assert.equal(await page.title(), 'Phishing: Deepfake-Assisted Phishing · riskatlas', 'a sub-technique by its full name');

    // A tactic of the chain browses that tactic in place, without reloading the page.
    await page.goBack();
    await page.locator('#attack-chain').waitFor();
    await page.evaluate(() => { window.stayedLoaded = true; });
    await page.locator('#attack-chain .chain-step').nth(2).locator('.chain-tactic').click();
    await page.waitForURL((url) => url.searchParams.get('tactic') === 'AML.TA0004' && !url.searchParams.has('record'));
    await searchSettled(page);
    assert.equal(await page.evaluate(() => window.stayedLoaded), true, 'no reload');
    assert.deepEqual((await facetSnapshot(page)).tactic.filter((v) => v.checked).map((v) => v.value), ['AML.TA0004']);
  });
});

test("a technique's case studies list incidents first, then newest first", async () => {
  await withPage(async (page) => {
    await page.goto('/?record=AML.T0015');
    await page.locator('#record-title').waitFor();
    const section = page.locator('.record-section').filter({ has: page.locator('h2', { hasText: 'Case studies' }) });
    assert.equal(await section.locator('h2').textContent(), 'Case studies (2)');
    const ids = await section.locator('.case-item').evaluateAll((items) => items.map((li) => li.dataset.id));
    assert.deepEqual(ids, ['AML.CS0001', 'AML.CS0004']);
    assert.match(await section.locator('.case-item').first().textContent(), /Exercise.*2024-05-14/);
  });
});

test('a risk page shows the case studies seen using its techniques, with the techniques that tie them', async () => {
  await withPage(async (page) => {
    await page.goto('/?record=ORG-004');
    await page.locator('#record-title').waitFor();
    const section = page.locator('#seen-in-incidents');
    const heading = await section.locator('h2').textContent();
    const counts = heading.match(/^Seen in case studies \((\d+): (\d+) incidents?\)$/);
    assert.ok(counts, heading);
    assert.equal(Number(counts[1]), await section.locator('.case-item').count(), 'the heading counts the list');
    assert.equal(Number(counts[2]), await section.locator('.case-item[data-kind="incident"]').count());
    const first = section.locator('.case-item').first();
    assert.equal(await first.getAttribute('data-id'), 'AML.CS0000');
    assert.equal(await first.getAttribute('data-kind'), 'incident');
    const ties = await first.locator('.case-ties a[data-record]').evaluateAll((as) => as.map((a) => a.dataset.record));
    assert.ok(ties.includes('AML.T0052.001'), ties.join(', '));
  });
});

test('ATLAS Markdown renders as text with numbered citations and a References list holding no executable markup', async () => {
  await withPage(async (page) => {
    await page.goto('/?record=AML.T0052.001');
    await page.locator('#record-title').waitFor();
    const description = page.locator('.record-description');
    assert.equal(await description.locator('strong').textContent(), 'conference talk');
    const text = await description.textContent();
    assert.ok(!/\]\[|\\\[|https?:/.test(text), `no Markdown or URL in the text: ${text}`);
    const cites = description.locator('sup.citation a');
    assert.deepEqual(await cites.allTextContents(), ['[1]', '[2]', '[1]']);
    assert.equal(await cites.first().getAttribute('href'), '#ref-record-1');
    const refs = page.locator('#references .reference-list li');
    assert.equal(await refs.count(), 2);
    const link = refs.first().locator('a');
    assert.equal(await link.textContent(), 'Voice fraud in payment approval: a field note');
    assert.equal(await link.getAttribute('href'), 'https://example.org/riskatlas/voice-fraud-note');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    // A citation takes the reader to its entry without leaving the page.
    await cites.nth(1).click();
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'ref-record-2');

    // A description holding raw HTML and a javascript: link shows words only.
    await page.goto('/?record=AML.M0034');
    await page.locator('#record-title').waitFor();
    const view = page.locator('#record-view');
    assert.equal(await view.locator('img, script, iframe').count(), 0, 'no element from the markup');
    const hrefs = await view.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.every((h) => !/^\s*javascript:/i.test(h)), hrefs.join(', '));
    assert.ok(await view.locator('.record-description', { hasText: 'links that run script' }).isVisible());
    const external = await view.locator('a[target=_blank]').evaluateAll((as) => as.map((a) => [a.protocol, a.rel]));
    assert.ok(external.length > 0);
    for (const [protocol, rel] of external) {
      assert.ok(protocol === 'https:' || protocol === 'http:', protocol);
      assert.equal(rel, 'noopener noreferrer');
    }
  });
});

test('the source facet narrows risks to one paper and its values can be searched', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?type=risk');
    const facet = page.locator('#facets .facet[data-facet="source"]');
    await facet.waitFor();
    const filter = facet.locator('.facet-filter');
    assert.ok(await filter.isVisible(), 'the source facet has a value filter');
    await filter.fill('register');
    const values = await facet.locator('.facet-item input').evaluateAll((is) => is.map((i) => i.dataset.value));
    assert.deepEqual(values, ['OrgRegister2026']);
    assert.equal(await facet.locator('.facet-label').first().textContent(), 'Internal risk register 2026');
    await checkbox(page, 'source', 'OrgRegister2026').check();
    await page.waitForURL(/source=OrgRegister2026/);
    await searchSettled(page);
    assert.equal(await total(page), 4);
  });
});

test('history: each submitted search has its own entry, Back to results goes back, sort keys make one entry', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/');
    const search = async (q) => {
      await page.locator('#q').fill(q);
      await page.locator('#search-form button[type=submit]').click();
      await page.waitForURL((url) => url.searchParams.get('q') === q);
      await searchSettled(page);
    };
    await search('poisoning');
    await search('evasion');
    await page.goBack();
    await searchSettled(page);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'poisoning', 'Back shows the previous search');

    // A record opened from the results: "Back to results" is Back, not a new entry.
    const first = page.locator('#hits .hit a[data-record]').first();
    const id = await first.getAttribute('data-record');
    await first.click();
    await page.locator('#record-title').waitFor();
    const depth = await page.evaluate(() => window.history.length);
    await page.locator('#record-view .back-button').first().click();
    await page.waitForURL((url) => !url.searchParams.has('record'));
    await searchSettled(page);
    assert.equal(await page.evaluate(() => window.history.length), depth, 'no entry added');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.record), id, 'focus back on the hit');
    await page.goForward();
    await page.locator('#record-title').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('record'), id);

    // Arrow keys on the sort menu change the order a step at a time: one entry for them all.
    await openAndSettle(page, '/?q=poisoning');
    const before = await page.evaluate(() => window.history.length);
    await page.locator('#sort').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await searchSettled(page);
    assert.equal(new URL(page.url()).searchParams.get('sort'), 'title');
    assert.equal(await page.evaluate(() => window.history.length), before + 1);
  });
});

test('a search that failed runs again when submitted, and the error goes', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=poisoning');
    let failing = true;
    await page.route('**/api/search?**', (route) => (failing ? route.abort('connectionrefused') : route.continue()));
    await page.locator('#q').fill('poisoning attack');
    await page.locator('#error').waitFor();
    failing = false;
    await page.locator('#search-form button[type=submit]').click();
    await page.locator('#error').waitFor({ state: 'hidden' });
    await searchSettled(page);
    assert.ok(await total(page) > 0);
    assert.ok(await page.locator('#hits .hit').count() > 0);
  });
});

test('a query pasted with tabs, and a page or page size past the API limits, still search', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=training%09data%0Apoisoning');
    assert.ok(await page.locator('#error').isHidden(), 'no error');
    assert.equal(await page.locator('#q').inputValue(), 'training data poisoning');
    assert.ok(await total(page) > 0);
    await page.goto('/?q=attack&per_page=500&page=999');
    await page.locator('#result-status[data-total]').waitFor();
    assert.ok(await page.locator('#error').isHidden(), 'no error');
    assert.ok(await page.locator('#pagination').isHidden(), 'no pager naming a page not shown');
  });
});

test('Back returns to where the results and a record were left', async () => {
  await withPage(async (page) => {
    await openAndSettle(page, '/?q=model&per_page=50');
    await page.evaluate(() => window.scrollTo(0, 900));
    const hit = page.locator('#hits .hit a[data-record]').nth(12);
    await hit.scrollIntoViewIfNeeded();
    const y = await page.evaluate(() => window.scrollY);
    assert.ok(y > 300, `scrolled down the results (${y})`);
    await hit.click();
    await page.locator('#record-title').waitFor();
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'a record opens at its top');
    await page.evaluate(() => window.scrollTo(0, 250));
    const recordY = await page.evaluate(() => window.scrollY);
    await page.waitForTimeout(400);  // the page keeps its place a moment after a scroll
    await page.goBack();
    await searchSettled(page);
    assert.equal(await page.evaluate(() => window.scrollY), y, 'the results where they were left');
    await page.goForward();
    await page.locator('#record-title').waitFor();
    await page.waitForFunction((want) => window.scrollY === want, recordY);
  });
});
