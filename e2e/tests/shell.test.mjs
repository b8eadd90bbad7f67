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
];
