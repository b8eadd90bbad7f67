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
];
