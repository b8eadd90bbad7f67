import { open, preset, scrubTo } from '../lib.mjs';
// The app loads, shows every protocol in the picker, and redraws the cluster when the node count changes.
export const tests = [
  {
    name: 'page loads; protocol picker; switching protocol and node count redraws the cluster',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await newPage();
      await page.goto(baseUrl + '/');
      await page.waitForSelector('#cluster g.node');
      const title = await page.textContent('h1');
      if (!title.includes('netsplit')) throw new Error(`unexpected title ${title}`);
      const options = await page.$$eval('#protocol option', (os) => os.map((o) => o.value));
      for (const p of ['raft', '2pc', '3pc', 'lamport', 'lamport-mutex', 'lww', 'quorum', 'fencing', 'link', 'generals']) {
        if (!options.includes(p)) throw new Error(`picker lacks ${p}`);
      }
      const enabled = await page.$$eval('#protocol option:not([disabled])', (os) => os.map((o) => o.value));
      const multi = enabled.find((p) => !['link', 'generals'].includes(p));
      if (multi) {
        await page.selectOption('#protocol', multi);
        await page.waitForFunction((p) => document.querySelector('#protocol').value === p, multi);
        const before = await page.$$eval('#cluster g.node', (gs) => gs.length);
        const want = before > 3 ? before - 1 : before + 1;
        await page.fill('#node-count', String(want));
        await page.dispatchEvent('#node-count', 'change');
        await page.waitForFunction((n) => document.querySelectorAll('#cluster g.node').length === n, want);
      }
      await screenshot(page, 'shell.png');
    },
  },
  {
    name: 'sixteen nodes, the most a scenario may have, fit the drawing without overlapping',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await newPage();
      await page.goto(baseUrl + '/');
      await page.waitForSelector('#cluster g.node');
      await page.fill('#node-count', '16');
      await page.dispatchEvent('#node-count', 'change');
      await page.waitForFunction(() => document.querySelectorAll('#cluster g.node').length === 16);
      const { boxes, area } = await page.evaluate(() => ({
        area: document.querySelector('#cluster').getBoundingClientRect().toJSON(),
        boxes: [...document.querySelectorAll('#cluster g.node')].map((g) => ({
          body: g.querySelector('.node-body').getBoundingClientRect().toJSON(),
          all: g.getBoundingClientRect().toJSON(),
          labels: [...g.querySelectorAll('text')].map((t) => ({ text: t.textContent, box: t.getBoundingClientRect().toJSON() })),
        })),
      }));
      // No label of one node may lie over another node or its labels (text boxes include the line's descent:
      // 2 px of shared box is not touching).
      const hit = (a, b) => a.left < b.right - 2 && b.left < a.right - 2 && a.top < b.bottom - 2 && b.top < a.bottom - 2;
      for (const [i, a] of boxes.entries()) {
        for (const [j, b] of boxes.entries()) {
          if (i === j) continue;
          for (const l of a.labels) {
            if (hit(l.box, b.body)) throw new Error(`node ${i + 1}'s label "${l.text}" lies over node ${j + 1}`);
            const m = b.labels.find((o) => hit(l.box, o.box));
            if (m) throw new Error(`node ${i + 1}'s label "${l.text}" lies over node ${j + 1}'s "${m.text}"`);
          }
        }
      }
      for (const [i, b] of boxes.entries()) {
        const { all } = b;
        if (all.left < area.left - 1 || all.right > area.right + 1 || all.top < area.top - 1 || all.bottom > area.bottom + 1) {
          throw new Error(`node ${i + 1} (with its labels) leaves the drawing: ${JSON.stringify(all)}`);
        }
        for (const [j, c] of boxes.slice(0, i).entries()) {
          const d = Math.hypot(b.body.x - c.body.x, b.body.y - c.body.y);
          if (d < b.body.width) throw new Error(`nodes ${j + 1} and ${i + 1} overlap`);
        }
      }
      // The space-time diagram's names over its sixteen lines must not run into each other either.
      const names = await page.evaluate(() => [...document.querySelectorAll('#spacetime text.st-node')]
        .map((t) => ({ text: t.textContent, box: t.getBoundingClientRect().toJSON() })));
      if (names.length !== 16) throw new Error(`the diagram names ${names.length} lines, not 16`);
      const svgBox = await page.evaluate(() => document.querySelector('#spacetime').getBoundingClientRect().toJSON());
      for (const [i, a] of names.entries()) {
        if (a.box.top < svgBox.top - 1 || a.box.left < svgBox.left - 1 || a.box.right > svgBox.right + 1) {
          throw new Error(`the name ${a.text} leaves the diagram: ${JSON.stringify(a.box)}`);
        }
        for (const b of names.slice(0, i)) {
          // Names on one baseline need a clear gap between them, or "n10n11" reads as one word. (Text boxes
          // include the line's descent, so names on two baselines may share 3 px of box without touching.)
          const GAP = 3;
          const touch = a.box.left < b.box.right + GAP && b.box.left < a.box.right + GAP
            && a.box.top < b.box.bottom - 3 && b.box.top < a.box.bottom - 3;
          if (touch) throw new Error(`the diagram's names ${b.text} and ${a.text} run into each other`);
        }
      }
      await screenshot(page, 'sixteen-nodes.png');
    },
  },
  {
    name: 'on a phone the page does not scroll sideways, and the play controls are on screen from the start',
    async run({ baseUrl, newPage, screenshot }) {
      for (const [width, height, locale] of [[390, 844, 'ko-KR'], [768, 1024, 'en-US'], [1280, 860, 'en-US']]) {
        const touch = width < 800;
        const page = await newPage({ viewport: { width, height }, locale, hasTouch: touch, isMobile: touch });
        await page.goto(baseUrl + '/');
        await page.waitForSelector('#cluster g.node');
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        if (wide > width) throw new Error(`at ${width} px the page is ${wide} px wide`);
        const play = await page.$eval('#play', (b) => b.getBoundingClientRect().toJSON());
        if (play.top < 0 || play.bottom > height) throw new Error(`at ${width}×${height} Play is off screen at y=${play.top}`);
        // Pressing it from there works (nothing lies over the sticky bar).
        await page.click('#play', { trial: true });
        if (touch) {
          const box = await page.$eval('#view-cluster', (c) => c.getBoundingClientRect().toJSON());
          if (box.width < 20 || box.height < 20) throw new Error(`a ${box.width}×${box.height} checkbox on a touch screen`);
        }
        if (width === 390) await screenshot(page, 'phone.png');
      }
    },
  },
  {
    name: 'Tab reaches the scenario-file picker',
    async run({ baseUrl, newPage }) {
      const page = await newPage();
      await page.goto(baseUrl + '/');
      await page.waitForSelector('#cluster g.node');
      await page.focus('#download-trace');
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement && document.activeElement.id);
      if (id !== 'open-file') throw new Error(`Tab after "Download trace" went to #${id}, not the file picker`);
    },
  },
  {
    name: 'text on accent-coloured buttons has 4.5:1 contrast in both themes',
    async run({ baseUrl, newPage }) {
      for (const colorScheme of ['light', 'dark']) {
        const page = await newPage({ colorScheme });
        await page.goto(baseUrl + '/');
        await page.waitForSelector('#cluster g.node');
        const pairs = await page.$$eval('button.primary, button.active', (bs) => bs.map((b) => {
          const s = getComputedStyle(b);
          return { id: b.id || b.className, fg: s.color, bg: s.backgroundColor };
        }));
        if (!pairs.length) throw new Error('no accent buttons found');
        const lum = (css) => {
          const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map((v) => {
            const c = Number(v) / 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        for (const { id, fg, bg } of pairs) {
          const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
          const ratio = (a + 0.05) / (b + 0.05);
          if (ratio < 4.5) throw new Error(`${colorScheme}: #${id} has ${fg} on ${bg}, contrast ${ratio.toFixed(2)}:1`);
        }
      }
    },
  },
  {
    name: 'node roles fit their circles, or go under them; every label stays in the drawing',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await open(await newPage({ locale: 'ko-KR' }), baseUrl);
      for (const [protocol, id] of [['fencing', 'FEN-drift-unfenced'], ['lamport-mutex', 'MUTEX-1'], ['3pc', '3PC-1'],
        ['generals', undefined], ['raft', 'RAFT-1-prevote']]) {
        await preset(page, protocol, id);
        for (const t of [120, 260, 1e9]) {
          await scrubTo(page, t);
          const bad = await page.evaluate(() => {
            const area = document.querySelector('#cluster').getBoundingClientRect();
            const out = [];
            for (const g of document.querySelectorAll('#cluster g.node')) {
              const body = g.querySelector('.node-body').getBoundingClientRect();
              const role = g.querySelector('.node-role');
              const r = role.getBoundingClientRect();
              if (!role.classList.contains('under') && (r.left < body.left || r.right > body.right)) {
                out.push(`"${role.textContent}" (${Math.round(r.width)} px) overflows its ${Math.round(body.width)} px circle`);
              }
              for (const t of g.querySelectorAll('text')) {
                const b = t.getBoundingClientRect();
                if (b.left < area.left - 1 || b.right > area.right + 1 || b.bottom > area.bottom + 1) {
                  out.push(`"${t.textContent}" leaves the drawing`);
                }
              }
            }
            return out;
          });
          if (bad.length) throw new Error(`${id || protocol} at ${t}: ${bad.join('; ')}`);
        }
      }
      await preset(page, 'fencing', 'FEN-drift-unfenced');
      await scrubTo(page, 260);
      await screenshot(page, 'roles.png');
    },
  },
  {
    name: 'the node-count field always shows the count drawn',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      const min = Number(await page.getAttribute('#node-count', 'min'));
      const drawn = () => page.$$eval('#cluster g.node', (gs) => gs.length);
      for (const [typed, want] of [['-3', min], ['4', 4], ['', 4], ['99', Number(await page.getAttribute('#node-count', 'max'))]]) {
        await page.fill('#node-count', typed);
        await page.dispatchEvent('#node-count', 'change');
        await page.waitForFunction((w) => document.querySelectorAll('#cluster g.node').length === w, want);
        const shown = await page.inputValue('#node-count');
        if (shown !== String(want) || (await drawn()) !== want) {
          throw new Error(`typed ${JSON.stringify(typed)}: the field shows ${shown}, ${await drawn()} nodes drawn, want ${want}`);
        }
      }
    },
  },
];
