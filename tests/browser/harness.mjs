// Starts the real riskatlas-serve over a freshly built index of a corpus, and a headless
// Debian chromium driven by playwright-core. Nothing is downloaded: the browser is the
// system one (CHROMIUM, default /usr/bin/chromium).

import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..');
export const BUILD = process.env.RISKATLAS_BUILD_DIR || path.join(REPO, 'build');
export const CORPUS = process.env.RISKATLAS_CORPUS || path.join(REPO, 'corpus');
export const WEB = path.join(REPO, 'server', 'web');
export const ARTIFACTS = path.join(here, 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const run = promisify(execFile);

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function requireFile(file, hint) {
  if (!fs.existsSync(file)) throw new Error(`${file} not found: ${hint}`);
}

// Builds the index and starts the server; resolves to {baseUrl, stop(), log()}.
export async function startServer() {
  const indexer = path.join(BUILD, 'riskatlas-index');
  const serve = path.join(BUILD, 'riskatlas-serve');
  const hint = 'build it first (cmake --build build) or set RISKATLAS_BUILD_DIR';
  requireFile(indexer, hint);
  requireFile(serve, hint);
  requireFile(CORPUS, 'set RISKATLAS_CORPUS to a corpus directory');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'riskatlas-ui-'));
  const indexRoot = path.join(tmp, 'index');
  try {
    await run(indexer, ['--corpus', CORPUS, '--index', indexRoot], { timeout: 120_000 });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`riskatlas-index failed: ${err.message}\n${err.stderr || ''}`);
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(serve, ['--index', indexRoot, '--port', String(port), '--web', WEB],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => { output = (output + chunk).slice(-20_000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
      await exitPromise;
      clearTimeout(timer);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`riskatlas-serve exited early (${JSON.stringify(exited)}):\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`riskatlas-serve did not become healthy within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { baseUrl, stop, log: () => output };
}

export function launchBrowser() {
  requireFile(CHROMIUM, 'install Debian chromium (apt-get install -y chromium) or set CHROMIUM');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// A new page in its own context that records dialogs, page errors and CSP violations.
export async function newPage(browser, baseUrl, { viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport, baseURL: baseUrl });
  // Report every CSP violation on the console, where the listener below collects it.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const problems = { dialogs: [], errors: [], csp: [] };
  page.on('dialog', async (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (err) => problems.errors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) problems.csp.push(msg.text());
  });
  return { page, context, problems };
}

// Waits until the search answer for the URL's current state is on screen.
export async function searchSettled(page) {
  await page.waitForFunction(() => {
    const view = document.getElementById('search-view');
    if (!view || !('settledFor' in view.dataset) || !document.getElementById('loading').hidden) return false;
    const norm = (query) => {
      const params = new URLSearchParams(query);
      params.delete('record');
      return [...params].map(([k, v]) => `${k}=${v}`).sort().join('&');
    };
    return norm(view.dataset.settledFor) === norm(window.location.search);
  });
}
