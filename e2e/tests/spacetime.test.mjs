// The space-time diagram: CLK-1's eleven events with the reference Lamport values, the causal past of event d,
// and the SVG export.
import { open, preset, scrubTo } from '../lib.mjs';

const points = (page) => page.$$eval('#spacetime circle.st-point', (cs) => cs.map((c) => ({
  lamport: +c.dataset.lamport,
  name: (c.dataset.name || '').split(':')[0],
  cls: c.getAttribute('class'),
})));

export const tests = [
  {
    name: 'CLK-1: eleven events with the reference Lamport values; the causal past of d is {a, b, c}',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'lamport', 'CLK-1');
      await scrubTo(page, 100);
      const ps = await points(page);
      const byName = Object.fromEntries(ps.map((p) => [p.name, p.lamport]));
      const want = { a: 1, c: 1, b: 2, e: 1, d: 3, f: 4, g: 2, h: 5, i: 3, j: 6, k: 7 };
      if (ps.length !== 11) throw new Error(`expected 11 events, saw ${ps.length}: ${JSON.stringify(ps)}`);
      for (const [n, l] of Object.entries(want)) {
        if (byName[n] !== l) throw new Error(`event ${n}: Lamport ${byName[n]}, expected ${l}`);
      }
      await page.locator('#spacetime circle.st-point[data-name^="d:"]').click({ force: true });
      await page.waitForSelector('#spacetime circle.st-point.selected');
      const after = await points(page);
      const past = after.filter((p) => /\bpast\b/.test(p.cls)).map((p) => p.name).sort();
      if (JSON.stringify(past) !== JSON.stringify(['a', 'b', 'c'])) throw new Error(`causal past of d: ${past}`);
      const future = after.filter((p) => /\bfuture\b/.test(p.cls)).map((p) => p.name).sort();
      if (JSON.stringify(future) !== JSON.stringify(['f', 'h', 'j', 'k'])) throw new Error(`causal future of d: ${future}`);
      const inspector = await page.textContent('.insp-event');
      if (!inspector.includes('[2, 2, 0]')) throw new Error(`inspector: ${inspector}`);
      // Ordered by Lamport timestamp, i (C=3) is drawn level with d (C=3) although it happened 20 ms later.
      await page.selectOption('#st-order', 'lamport');
      const ys = await page.$$eval('#spacetime circle.st-point', (cs) => Object.fromEntries(cs.map((c) => [(c.dataset.name || '').split(':')[0], +c.getAttribute('cy')])));
      if (Math.abs(ys.i - ys.d) > 0.01) throw new Error(`i at ${ys.i}, d at ${ys.d}`);
      await screenshot(page, 'clk1-diagram.png');
    },
  },
  {
    name: 'the diagram exports as a standalone SVG with its arrows',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'lamport', 'CLK-1');
      await scrubTo(page, 100);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#st-svg')]);
      const path = await download.path();
      const fs = await import('node:fs');
      const svg = fs.readFileSync(path, 'utf8');
      if (!download.suggestedFilename().endsWith('.svg')) throw new Error(download.suggestedFilename());
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        return {
          error: doc.querySelector('parsererror')?.textContent || null,
          arrows: doc.querySelectorAll('line.st-arrow').length,
          points: doc.querySelectorAll('circle.st-point').length,
          style: !!doc.querySelector('style'),
        };
      }, svg);
      if (parsed.error) throw new Error(`the SVG does not parse: ${parsed.error}`);
      if (parsed.arrows !== 3) throw new Error(`expected the 3 messages as arrows, got ${parsed.arrows}`);
      if (parsed.points !== 11 || !parsed.style) throw new Error(JSON.stringify(parsed));
      const [png] = await Promise.all([page.waitForEvent('download'), page.click('#st-png')]);
      const bytes = fs.readFileSync(await png.path());
      if (bytes.subarray(1, 4).toString() !== 'PNG') throw new Error('the PNG export is not a PNG');
    },
  },
  {
    name: 'following at the end of a run, a zoomed-in diagram shows the last events, not empty lanes',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, '3pc', '3PC-4');
      await scrubTo(page, 1e9);
      for (let k = 0; k < 6; k++) await page.click('#st-zoom-in');
      await page.waitForTimeout(200);
      // Points drawn inside the visible part of the drawing (the body slides under a transform).
      const visible = await page.evaluate(() => {
        const svg = document.querySelector('#spacetime').getBoundingClientRect();
        return [...document.querySelectorAll('#spacetime circle.st-point')].filter((c) => {
          const b = c.getBoundingClientRect();
          return b.top >= svg.top && b.bottom <= svg.bottom;
        }).length;
      });
      if (visible === 0) throw new Error('zoomed in at the end of the run, the diagram shows no event');
    },
  },
];
