// The app shell: the page loads the wasm, shows the title and the protocol picker, and draws the cluster.
export const tests = [
  {
    name: 'page loads, node count changes the cluster drawing',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await newPage();
      await page.goto(baseUrl + '/');
      await page.waitForSelector('#cluster circle.node');
      const title = await page.textContent('h1');
      if (!title.includes('netsplit')) throw new Error(`unexpected title ${title}`);
      const options = await page.$$eval('#protocol option', (os) => os.map((o) => o.value));
      for (const p of ['raft', '2pc', '3pc', 'lamport']) if (!options.includes(p)) throw new Error(`picker lacks ${p}`);
      const before = await page.$$eval('#cluster circle.node', (cs) => cs.map((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`));
      await page.fill('#node-count', '3');
      await page.dispatchEvent('#node-count', 'change');
      await page.waitForFunction(() => document.querySelectorAll('#cluster circle.node').length === 3);
      const after = await page.$$eval('#cluster circle.node', (cs) => cs.map((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`));
      if (before.length !== 5) throw new Error(`expected 5 nodes by default, saw ${before.length}`);
      if (JSON.stringify(before.slice(0, 3)) === JSON.stringify(after)) throw new Error('positions did not change');
      await screenshot(page, 'shell.png');
    },
  },
];
