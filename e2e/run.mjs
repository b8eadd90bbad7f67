// End-to-end test runner: serves dist/ on 127.0.0.1 (a free port chosen at run time), drives Debian's Chromium
// through playwright-core, and runs every e2e/tests/*.test.mjs. Each test file exports `tests`: a list of
// { name, run(ctx) }. A test fails on an exception, on any console error, or on any failed request.
//
// Usage: node e2e/run.mjs [--dist DIR] [--filter TEXT]
import { chromium } from 'playwright-core';
import { readdir, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const dist = path.resolve(opt('--dist', path.join(here, '..', 'dist')));
const filter = opt('--filter', '');
export const outDir = path.join(here, 'out');
await mkdir(outDir, { recursive: true });

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const server = await startServer(dist);
const baseUrl = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });

/** Opens a page that records console errors, uncaught exceptions and failed requests. */
async function newPage(opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...opts });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => page.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) page.problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return page;
}

const files = (await readdir(path.join(here, 'tests'))).filter((f) => f.endsWith('.test.mjs')).sort();
let passed = 0; const failed = [];
for (const f of files) {
  const mod = await import(pathToFileURL(path.join(here, 'tests', f)));
  for (const t of mod.tests) {
    const name = `${f.replace('.test.mjs', '')}: ${t.name}`;
    if (filter && !name.includes(filter)) continue;
    const started = Date.now();
    const pages = [];
    const ctx = {
      baseUrl, outDir, browser,
      newPage: async (o) => { const p = await newPage(o); pages.push(p); return p; },
      screenshot: (page, file) => page.screenshot({ path: path.join(outDir, file) }),
    };
    try {
      await t.run(ctx);
      const problems = pages.flatMap((p) => p.problems.filter((x) => !(t.allow || []).some((a) => x.includes(a))));
      if (problems.length) throw new Error(problems.join('\n'));
      passed++;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed.push(name);
      console.log(`FAIL ${name} (${Date.now() - started} ms)\n     ${String(e.stack || e).split('\n').join('\n     ')}`);
    } finally {
      for (const p of pages) await p.context().close().catch(() => {});
    }
  }
}
await browser.close();
server.close();
console.log(`e2e: ${passed} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
