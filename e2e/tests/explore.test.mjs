// "Find a violation": the counterexample search in a Web Worker. 3PC under partitions loses atomicity: the search
// finds it, shrinks it, and the counterexample loaded in the player turns AC-Agreement red. A search on a correct
// configuration is cancelled while the page stays responsive. The worker also starts when the site is hosted
// under a sub-path, and the panel is translated.
import { open, preset, now } from '../lib.mjs';
import { SUB_PATH } from '../server.mjs';
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A share-link fragment for a scenario (the app's format: '1.' + base64url(raw deflate(JSON))). */
const link = (scenario) => '#1.' + deflateRawSync(Buffer.from(JSON.stringify({ s: scenario, t: 0 })), { level: 9 }).toString('base64url');

/** Opens the panel and leaves exactly the given boxes of a fieldset checked. */
async function only(page, fieldset, values) {
  for (const box of await page.locator(`${fieldset} input[type=checkbox]`).all()) {
    await box.setChecked(values.includes(await box.getAttribute('value')));
  }
}

/** Records every progress value and phase the panel shows (a search can be over in a few frames). */
async function watchProgress(page) {
  await page.evaluate(() => {
    window.__progress = [];
    const note = () => {
      const bar = document.querySelector('#explore-progress');
      if (!bar) return;
      const last = window.__progress[window.__progress.length - 1];
      const entry = { value: +bar.value, max: +bar.max, phase: bar.closest('.explore-run').dataset.phase,
        text: document.querySelector('#explore-status').textContent };
      if (!last || last.value !== entry.value || last.phase !== entry.phase) window.__progress.push(entry);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

const invariant = (page, id) => page.getAttribute(`.invariants li[data-invariant='${id}']`, 'class');

export const tests = [
  {
    name: '3PC: partitions found breaking AC-Agreement, shrunk, loaded just before the violation, then red',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await open(await newPage(), baseUrl);
      // The happy path: no fault of its own, so whatever breaks it is the search's doing.
      await preset(page, '3pc', '3PC-4');
      await page.click('#find-button');
      await page.waitForSelector('#explore-panel');
      const invariants = await page.$$eval('#explore-invariants input', (xs) => xs.map((x) => [x.value, x.checked]));
      if (!invariants.some(([v]) => v === 'AC-Agreement') || !invariants.every(([, c]) => c)) {
        throw new Error(`invariants offered: ${JSON.stringify(invariants)}`);
      }
      await only(page, '#explore-invariants', ['AC-Agreement']);
      await only(page, '#explore-faults', ['partition']);
      await page.fill('#explore-runs', '20000');
      await screenshot(page, 'explore-panel.png');
      await watchProgress(page);
      await page.click('#explore-start');
      await page.waitForSelector('#explore-result', { timeout: 60000 });
      const seen = await page.evaluate(() => window.__progress);
      if (!seen.length || !seen.some((p) => p.value > 0)) throw new Error(`progress bar: ${JSON.stringify(seen)}`);
      if (!seen.some((p) => p.phase === 'shrink') || seen[seen.length - 1].phase !== 'done') {
        throw new Error(`phases: ${JSON.stringify(seen.map((p) => p.phase))}`);
      }
      if (!/runs\/s/.test(seen[seen.length - 1].text)) throw new Error(`status: ${seen[seen.length - 1].text}`);
      const found = await page.getAttribute('#explore-result', 'data-invariant');
      const at = Number(await page.getAttribute('#explore-result', 'data-at'));
      if (found !== 'AC-Agreement' || !(at > 0)) throw new Error(`result: ${found} at ${at}`);
      const summary = await page.textContent('#explore-result');
      const m = summary.match(/from (\d+) to (\d+) schedule entries/);
      if (!m || !(+m[2] <= +m[1])) throw new Error(`summary: ${summary}`);
      await screenshot(page, 'explore-found.png');

      await page.click('#explore-load');
      await page.waitForSelector('#explore-loaded');
      // Loaded, paused just before the violation: the invariant still holds.
      await page.waitForFunction((t) => document.querySelector('#clock').textContent === `t = ${(t - 1).toFixed(1)} ms`, at);
      if (!(await invariant(page, 'AC-Agreement')).includes('ok')) throw new Error('AC-Agreement already red at load');
      if ((await page.getAttribute('#play', 'aria-label')) !== 'Play') throw new Error('the player is not paused');
      let steps = 0;
      while (!(await invariant(page, 'AC-Agreement')).includes('bad')) {
        if (++steps > 50) throw new Error(`AC-Agreement still holds at t=${await now(page)}`);
        await page.click('#step-forward');
      }
      if ((await now(page)) !== at) throw new Error(`violated at t=${await now(page)}, the search said ${at}`);
      const badge = await page.textContent(".invariants li[data-invariant='AC-Agreement'] .badge");
      if (!badge.includes(`@ ${at}`)) throw new Error(`badge: ${badge}`);
      await screenshot(page, 'explore-loaded-red.png');
    },
  },
  {
    name: '2PC defaults, every fault kind: cancel stops a long search at once and the page stays responsive',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, '2pc', '2PC-1');
      await page.click('#find-button');
      await page.waitForSelector('#explore-panel');
      await page.fill('#explore-runs', '100000000');
      await page.click('#explore-start');
      const runs = () => page.$eval('#explore-progress', (p) => +p.value);
      await page.waitForFunction(() => +document.querySelector('#explore-progress')?.value > 0);
      const a = await runs();
      await page.waitForTimeout(600);
      const b = await runs();
      if (!(b > a)) throw new Error(`the progress bar did not advance: ${a} then ${b}`);
      // The main thread is free while the worker searches: the player steps and the clock moves.
      const t0 = await now(page);
      const started = Date.now();
      for (let i = 0; i < 5; i++) await page.click('#step-forward');
      if (!((await now(page)) > t0)) throw new Error('stepping did nothing during the search');
      if (Date.now() - started > 3000) throw new Error(`5 steps took ${Date.now() - started} ms during the search`);
      await screenshot(page, 'explore-running.png');
      await page.click('#explore-cancel');
      await page.waitForSelector('#explore-note');
      const note = await page.textContent('#explore-note');
      if (!/Cancelled after [\d,]+ runs/.test(note)) throw new Error(`note: ${note}`);
      const c = await runs();
      await page.waitForTimeout(400);
      if ((await runs()) !== c) throw new Error('the progress went on after cancel');
      if (!(await page.isEnabled('#explore-start')) || (await page.isEnabled('#explore-cancel'))) {
        throw new Error('start/cancel buttons not reset');
      }
      if (await page.$('#explore-result, #explore-none')) throw new Error('a result after cancel');
      // Nothing is found in a correct configuration within a small budget, and that is said plainly.
      await page.fill('#explore-runs', '300');
      await page.click('#explore-start');
      await page.waitForSelector('#explore-none', { timeout: 30000 });
      const none = await page.textContent('#explore-none');
      if (!/No violation found in 300 runs/.test(none)) throw new Error(`none: ${none}`);
      await screenshot(page, 'explore-cancelled.png');
    },
  },
  {
    name: 'cancel during the shrink stops at once and keeps the smallest counterexample so far',
    async run({ baseUrl, newPage, screenshot }) {
      // Raft forgetting votedFor across restarts, on the stress cluster (9 servers, 10 ms heartbeats): runs are
      // long enough for the shrink to take a second or more in the worker.
      const scenario = JSON.parse(await readFile(path.join(here, '..', '..', 'core', 'scenarios', 'RAFT-stress.json'), 'utf8'));
      delete scenario.expect;
      scenario.params.persistVotedFor = false;
      scenario.runUntil = 3000;
      const page = await open(await newPage(), baseUrl, '/' + link(scenario));
      await page.click('#find-button');
      await only(page, '#explore-invariants', ['R-ES']);
      await only(page, '#explore-faults', ['crash', 'client']);
      await page.fill('#explore-max-faults', '40');
      const figures = () => page.evaluate(() => {
        const r = document.querySelector('#explore-result');
        return { invariant: r.dataset.invariant, size: +r.dataset.size, original: +r.dataset.originalSize,
          shrinkRuns: +document.querySelector('.explore-run').dataset.shrinkRuns };
      });
      // The whole shrink first (the search is seeded: the second run finds the same counterexample).
      await page.click('#explore-start');
      await page.waitForSelector('#explore-result', { timeout: 120000 });
      const full = await figures();
      if (full.invariant !== 'R-ES' || !(full.size < full.original)) throw new Error(`full: ${JSON.stringify(full)}`);
      await page.click('#explore-start');
      await page.waitForSelector('.explore-run[data-phase=shrink]', { timeout: 120000 });
      const clicked = Date.now();
      await page.click('#explore-cancel');
      await page.waitForSelector('#explore-result', { timeout: 5000 });
      const waited = Date.now() - clicked;
      const cut = await figures();
      if (cut.original !== full.original || cut.invariant !== 'R-ES') throw new Error(`not the same counterexample: ${JSON.stringify(cut)}`);
      if (!(cut.shrinkRuns < full.shrinkRuns)) throw new Error(`the shrink was not cut short: ${JSON.stringify([full, cut])}`);
      if (!(cut.size >= full.size && cut.size <= cut.original)) throw new Error(`sizes: ${JSON.stringify([full, cut])}`);
      if (waited > 1000) throw new Error(`cancel took ${waited} ms`);
      await screenshot(page, 'explore-shrink-cancelled.png');
      await page.click('#explore-load');
      await page.waitForSelector('#explore-loaded');
      await page.waitForFunction(() => !document.querySelector('#notice'));
    },
  },
  {
    name: 'bad budget: a clear message naming the field; the worker starts under a sub-path',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl + SUB_PATH);
      await preset(page, '3pc', '3PC-4');
      await page.click('#find-button');
      await page.fill('#explore-max-faults', '5000');
      await page.click('#explore-start');
      const err = await page.textContent('#explore-error');
      if (!err.includes('Most faults per run') || !err.includes('maxFaults')) throw new Error(`error: ${err}`);
      await page.fill('#explore-max-faults', '');
      await page.click('#explore-start');
      if (!(await page.textContent('#explore-error')).includes('Most faults per run')) throw new Error('empty field');
      await only(page, '#explore-faults', []);
      await page.fill('#explore-max-faults', '4');
      await page.click('#explore-start');
      if (!(await page.textContent('#explore-error')).includes('fault kind')) throw new Error('no fault kind');
      await only(page, '#explore-faults', ['partition']);
      await page.click('#explore-start');
      await page.waitForSelector('#explore-result', { timeout: 60000 });
    },
  },
  {
    name: 'a worker whose script cannot be loaded is reported, and the panel can start again',
    allow: ['netsplit-web-', 'status of 404'],
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, '3pc', '3PC-4');
      await page.context().route(/netsplit-web-[^/]*\.js$/, (r) => r.fulfill({ status: 404, body: 'gone' }));
      await page.click('#find-button');
      await page.click('#explore-start');
      await page.waitForSelector('#explore-error');
      const err = await page.textContent('#explore-error');
      if (!err.startsWith('The search failed')) throw new Error(`error: ${err}`);
      if (!(await page.isEnabled('#explore-start')) || (await page.isEnabled('#explore-cancel'))) {
        throw new Error('start/cancel buttons not reset after the failure');
      }
      await page.context().unroute(/netsplit-web-[^/]*\.js$/);
      await only(page, '#explore-faults', ['partition']);
      await page.click('#explore-start');
      await page.waitForSelector('#explore-result', { timeout: 60000 });
    },
  },
  {
    name: 'the panel in Korean: every string translated',
    async run({ baseUrl, newPage, screenshot }) {
      const src = await readFile(path.join(here, '..', '..', 'web', 'src', 'i18n.rs'), 'utf8');
      const table = [...src.matchAll(/\("((?:find|fault)\.[^"]+)",\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"\)/g)]
        .map((m) => ({ key: m[1], en: m[2], ko: m[3] }));
      const page = await open(await newPage({ viewport: { width: 420, height: 900 } }), baseUrl);
      await page.selectOption('#lang', 'ko');
      await preset(page, '3pc', '3PC-4');
      await page.click('#find-button');
      await only(page, '#explore-faults', ['partition']);
      await page.click('#explore-start');
      await page.waitForSelector('#explore-result', { timeout: 60000 });
      const texts = new Set(await page.$$eval('#explore-panel, #explore-panel *', (es) => es.flatMap((e) => [
        ...[...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()),
        e.getAttribute('aria-label') || '', e.getAttribute('title') || ''].filter((t) => t.length))));
      // A template matches a whole text with anything in place of its {placeholders}.
      const pattern = (en) => new RegExp(`^${en.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[a-z]+\}/g, '.*')}$`);
      const left = table.filter((r) => r.en !== r.ko && [...texts].some((t) => pattern(r.en).test(t)));
      if (left.length) throw new Error(`untranslated: ${left.map((r) => r.key).join(', ')}`);
      const shown = table.filter((r) => [...texts].some((t) => pattern(r.ko).test(t))).length;
      if (shown < 15) throw new Error(`only ${shown} Korean strings of the panel shown`);
      if (!(await page.textContent('#explore-result')).includes('위반')) throw new Error('result not in Korean');
      // The invariants' statements come from the core in English; the panel shows them in Korean.
      const summaries = await page.$$eval('#explore-invariants .summary', (es) => es.map((e) => e.textContent));
      const english = summaries.filter((t) => !/[\uac00-\ud7a3]/.test(t));
      if (!summaries.length || english.length) throw new Error(`invariant statements not in Korean: ${english.join(' | ')}`);
      // Narrow screens: the panel fits the width.
      const overflow = await page.evaluate(() => document.querySelector('#explore-panel').scrollWidth
        - document.querySelector('#explore-panel').clientWidth);
      if (overflow > 1) throw new Error(`the panel overflows by ${overflow} px at 420 px wide`);
      await screenshot(page, 'explore-korean-narrow.png');
    },
  },
];
