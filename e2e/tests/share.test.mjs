// Share links, broken links, embeds (also under a sub-path), scenario files, and the two languages.
import { open, preset, scrubTo, act, drawing } from '../lib.mjs';
import { SUB_PATH } from '../server.mjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The English and Korean strings of the UI's table (web/src/i18n.rs). */
async function stringTable() {
  const src = await readFile(path.join(here, '..', '..', 'web', 'src', 'i18n.rs'), 'utf8');
  const rows = [...src.matchAll(/\("([^"]+)",\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"\)/g)];
  return rows.map((m) => ({ key: m[1], en: m[2], ko: m[3] }));
}

export const tests = [
  {
    name: 'a share link reproduces the same screen, viewer actions included',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'raft', 'RAFT-3');
      await scrubTo(page, 500);
      await act(page, 3, 'crash');
      await scrubTo(page, 900);
      const before = await drawing(page);
      await page.click('#share-button');
      const link = await page.inputValue('#share-link');
      if (!link.includes('#1.')) throw new Error(`link ${link}`);
      const embed = await page.inputValue('#embed-code');
      if (!embed.startsWith('<iframe') || !embed.includes('?embed')) throw new Error(embed);
      await screenshot(page, 'share-dialog.png');
      const other = await newPage();
      await other.goto(link);
      await other.waitForSelector('#cluster g.node');
      await other.waitForFunction(() => document.querySelector('#clock').textContent.includes('900'));
      const after = await drawing(other);
      if (before !== after) throw new Error('the shared link does not reproduce the screen');
      const down = await other.$eval("#cluster g.node[data-node='3']", (g) => g.getAttribute('class'));
      if (!down.includes('down')) throw new Error('the crash taken by the viewer is not in the link');
      await screenshot(other, 'share-opened.png');
    },
  },
  {
    name: 'presets are fetched when picked, once each; one that cannot be fetched leaves a message and the run',
    async run({ baseUrl, newPage }) {
      const page = await newPage();
      const fetched = [];
      page.on('request', (r) => {
        const m = r.url().match(/scenarios\/([^/?]+)\.json$/);
        if (m) fetched.push(m[1]);
      });
      await open(page, baseUrl);
      if (fetched.length) throw new Error(`fetched before any was picked: ${fetched}`);
      await preset(page, 'raft', 'RAFT-3');
      await preset(page, 'raft', 'RAFT-1');
      await preset(page, 'raft', 'RAFT-3');
      const nodes = await page.$$eval('#cluster g.node', (g) => g.length);
      if (JSON.stringify(fetched) !== '["RAFT-3","RAFT-1"]') throw new Error(`fetched ${fetched}`);
      // A preset whose file does not arrive: a message naming it, and RAFT-3 still runs.
      await page.route('**/scenarios/RAFT-stress.json', (r) => r.abort());
      await page.selectOption('#preset', 'RAFT-stress');
      await page.waitForSelector('#notice');
      const notice = await page.textContent('#notice');
      if (!notice.includes('scenarios/RAFT-stress.json')) throw new Error(`notice: ${notice}`);
      if (await page.$eval('#preset', (s) => s.dataset.loaded) !== 'RAFT-3') throw new Error('the run changed');
      if (await page.$$eval('#cluster g.node', (g) => g.length) !== nodes) throw new Error('the cluster changed');
      page.problems = page.problems.filter((p) => !/RAFT-stress\.json|net::ERR_FAILED/.test(p));
      // A slow preset does not replace what was loaded after it was picked: here the sandbox.
      await page.route('**/scenarios/RAFT-leader-crash.json', async (r) => {
        await new Promise((ok) => setTimeout(ok, 600));
        await r.continue();
      });
      await page.selectOption('#preset', 'RAFT-leader-crash');
      await page.selectOption('#preset', '');
      await page.waitForFunction(() => document.querySelector('#preset').dataset.loaded === '');
      await page.waitForTimeout(1000);
      if (!fetched.includes('RAFT-leader-crash')) throw new Error('the slow preset was not requested');
      if (await page.$eval('#preset', (s) => s.dataset.loaded) !== '') throw new Error('the slow preset replaced the sandbox');
      // A link to a preset whose file cannot be fetched opens the sandbox with a message.
      const link = await newPage();
      await link.route('**/scenarios/RAFT-3.json', (r) => r.fulfill({ status: 404, body: 'gone' }));
      await link.goto(baseUrl + '/?preset=RAFT-3');
      await link.waitForSelector('#cluster g.node');
      const n2 = await link.textContent('#notice');
      if (!n2.includes('RAFT-3') || !n2.includes('HTTP 404')) throw new Error(`link notice: ${n2}`);
      link.problems = link.problems.filter((p) => !/RAFT-3\.json|status of 404/.test(p));
    },
  },
  {
    name: 'broken, future and oversized links show a message and the sandbox',
    async run({ baseUrl, newPage, screenshot }) {
      const cases = [
        ['#1.bm90IGEgbGluaw', 'damaged'],
        ['#7.AAAA', 'newer netsplit'],
        ['#1.' + 'A'.repeat(40000), 'characters long'],
        ['#garbage', 'damaged'],
        ['?preset=NO-SUCH', 'no preset'],
      ];
      for (const [suffix, want] of cases) {
        const page = await newPage();
        await page.goto(baseUrl + '/' + suffix);
        await page.waitForSelector('#cluster g.node');
        const notice = await page.textContent('#notice');
        if (!notice.includes(want)) throw new Error(`${suffix.slice(0, 20)}: ${notice}`);
        if (suffix === '#garbage') await screenshot(page, 'broken-link.png');
      }
    },
  },
  {
    name: 'embed.html shows two working embeds that follow their iframe size, also under a sub-path',
    async run({ baseUrl, newPage, screenshot }) {
      for (const prefix of ['/', SUB_PATH]) {
        const page = await newPage({ viewport: { width: 1100, height: 1400 } });
        await page.goto(baseUrl + prefix + 'embed.html');
        for (const id of ['#embed-raft', '#embed-clocks']) {
          const frame = page.frameLocator(id);
          await frame.locator('#cluster g.node').first().waitFor();
          if (await frame.locator('.topbar').count()) throw new Error('embeds have no page chrome');
          const link = await frame.locator('.open-full').getAttribute('href');
          if (!link.includes('#1.')) throw new Error(`open-in-netsplit link: ${link}`);
        }
        await page.frameLocator('#embed-clocks').locator('#spacetime').waitFor();
        const size = () => page.frameLocator('#embed-raft').locator('#cluster').evaluate((e) => e.getBoundingClientRect().width);
        const w1 = await size();
        await page.$eval('#embed-raft', (f) => { f.width = '360'; f.height = '300'; });
        await page.waitForTimeout(300);
        const w2 = await size();
        if (!(w2 < w1 * 0.75)) throw new Error(`the embed did not follow its iframe: ${w1} → ${w2}`);
        if (prefix === '/') await screenshot(page, 'embed-page.png');
      }
    },
  },
  {
    name: 'a scenario file opened from disk is validated like the CLI',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      const good = await readFile(path.join(here, '..', '..', 'core', 'scenarios', 'NET-2.json'));
      await page.setInputFiles('#open-file', { name: 'NET-2.json', mimeType: 'application/json', buffer: good });
      await page.waitForFunction(() => document.querySelector('#preset').value === 'NET-2');
      const bad = Buffer.from('{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":9,"schedule":[{"at":1,"crash":"C"}]}');
      await page.setInputFiles('#open-file', { name: 'bad.json', mimeType: 'application/json', buffer: bad });
      await page.waitForSelector('#notice');
      const notice = await page.textContent('#notice');
      if (!notice.includes('schedule[0].crash: unknown node "C"')) throw new Error(notice);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-scenario')]);
      const text = await readFile(await download.path(), 'utf8');
      if (JSON.parse(text).id !== 'NET-2') throw new Error('downloaded scenario');
      const [trace] = await Promise.all([page.waitForEvent('download'), page.click('#download-trace')]);
      const lines = (await readFile(await trace.path(), 'utf8')).trim().split('\n');
      if (!lines.length || !JSON.parse(lines[0]).kind) throw new Error('downloaded trace');
    },
  },
  {
    name: 'switching to Korean changes every UI string of the table, and the choice is remembered',
    async run({ baseUrl, newPage, screenshot }) {
      const table = await stringTable();
      if (table.length < 100) throw new Error(`string table: ${table.length} rows`);
      const page = await open(await newPage(), baseUrl);
      await page.selectOption('#lang', 'ko');
      await page.waitForFunction(() => document.querySelector('.app').getAttribute('lang') === 'ko');
      await page.click('#help-button');
      // Every text node and label on the page, as whole strings.
      const texts = new Set(await page.evaluate(() => {
        const out = [];
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) out.push(n.textContent.trim());
        for (const e of document.querySelectorAll('[aria-label],[title],[placeholder]')) {
          out.push(e.getAttribute('aria-label') || '', e.getAttribute('title') || '', e.getAttribute('placeholder') || '');
        }
        return out.filter((t) => t.length);
      }));
      const visible = [...texts].join(' ');
      // No English UI string (that differs from its Korean version) may be left anywhere.
      const left = table.filter((r) => r.en !== r.ko && texts.has(r.en));
      if (left.length) throw new Error(`untranslated: ${left.map((r) => `${r.key}=${r.en}`).join(', ')}`);
      const shown = table.filter((r) => visible.includes(r.ko)).length;
      if (shown < 40) throw new Error(`only ${shown} Korean strings visible`);
      await screenshot(page, 'korean.png');
      const again = await open(await newPage({ locale: 'en-US' }), baseUrl);
      // The same browser profile is not shared between contexts: remembering is checked in the same context.
      await page.reload();
      await page.waitForSelector('#cluster g.node');
      if ((await page.getAttribute('.app', 'lang')) !== 'ko') throw new Error('the language was not remembered');
      if ((await again.getAttribute('.app', 'lang')) !== 'en') throw new Error('an English browser starts in English');
      const ko = await open(await newPage({ locale: 'ko-KR' }), baseUrl);
      if ((await ko.getAttribute('.app', 'lang')) !== 'ko') throw new Error('a Korean browser starts in Korean');
    },
  },
  {
    name: 'a language set by a link or an embed applies to that page only; it is not remembered',
    async run({ baseUrl, newPage }) {
      const page = await newPage({ locale: 'en-US' });
      await page.goto(baseUrl + '/?embed&lang=ko');
      await page.waitForSelector('.embed[lang="ko"]');
      await open(page, baseUrl, '/?lang=ko');
      if ((await page.getAttribute('.app', 'lang')) !== 'ko') throw new Error('lang=ko in a link did not apply');
      await open(page, baseUrl);
      if ((await page.getAttribute('.app', 'lang')) !== 'en') {
        throw new Error('a language from a link or an embed was remembered for the next visit');
      }
    },
  },
  {
    name: 'a small embed with both views keeps the diagram\'s controls on one row',
    async run({ baseUrl, newPage }) {
      for (const lang of ['en', 'ko']) {
        const page = await newPage({ viewport: { width: 640, height: 400 } });
        await page.goto(`${baseUrl}/?embed&preset=CLK-1&lang=${lang}`);
        await page.waitForSelector('#spacetime');
        const r = await page.evaluate(() => {
          const box = (s) => document.querySelector(s).getBoundingClientRect();
          return { head: box('.st-head').height, panel: box('.spacetime').height,
            tops: ['#st-order', '#st-zoom-in', '#st-zoom-out', '#st-follow'].map((s) => Math.round(box(s).top)) };
        });
        if (Math.max(...r.tops) - Math.min(...r.tops) > 4) throw new Error(`${lang}: the diagram's controls wrap: ${r.tops}`);
        if (r.head > r.panel * 0.12) throw new Error(`${lang}: the header takes ${r.head} of ${r.panel} px`);
      }
    },
  },
];
