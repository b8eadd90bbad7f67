// A monkey: 1,000 random clicks, keys, inputs and drags across the whole UI with a fixed seed. No console error,
// no panic, and the page still responds at the end. MONKEY_SEED=N (and MONKEY_STEPS=N) replay another walk, to
// hunt beyond the fixed one; the test suite always runs the fixed seed.

function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [' ', 'ArrowRight', 'ArrowLeft', '+', '-', '?', 'p', 'Escape'];
const TARGETS = ['button', '#cluster g.node .node-body', '#msg-list button', '#cluster .link .hit', '.event-log .entry',
  '.marks .mark', 'select', 'input:not([type=file])'];

export const tests = [
  {
    name: '1,000 random actions leave no error and a responsive page',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await newPage();
      await page.goto(baseUrl + '/');
      await page.waitForSelector('#cluster g.node');
      const rnd = mulberry32(Number(process.env.MONKEY_SEED || 20261124));
      const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
      const box = await page.locator('#cluster').boundingBox();
      for (let i = 0, n = Number(process.env.MONKEY_STEPS || 1000); i < n; i++) {
        const r = rnd();
        try {
          if (r < 0.25) {
            await page.keyboard.press(pick(KEYS));
          } else if (r < 0.35) {
            const x0 = box.x + rnd() * box.width, y0 = box.y + rnd() * box.height;
            await page.mouse.move(x0, y0);
            await page.mouse.down();
            await page.mouse.move(box.x + rnd() * box.width, box.y + rnd() * box.height, { steps: 3 });
            await page.mouse.up();
          } else {
            const sel = pick(TARGETS);
            const els = await page.$$(sel);
            const visible = [];
            for (const e of els) if (await e.isVisible()) visible.push(e);
            if (!visible.length) continue;
            const el = pick(visible);
            const tag = await el.evaluate((e) => e.tagName.toLowerCase());
            if (tag === 'select') {
              const opts = await el.$$eval('option:not([disabled])', (os) => os.map((o) => o.value));
              if (opts.length) await el.selectOption(pick(opts), { timeout: 500 });
            } else if (tag === 'input') {
              const type = await el.getAttribute('type');
              if (type === 'range') {
                await el.evaluate((e, v) => { e.value = String(v); e.dispatchEvent(new Event('input', { bubbles: true })); },
                  Math.floor(rnd() * 1000));
              } else {
                const vals = ['0', '1', '3', '-5', '250', 'abc', '', '1e9', '999999999999', 'x=2'];
                // Set the value the way a user's typing would end up, whatever the input type accepts.
                await el.evaluate((e, v) => { e.value = v; e.dispatchEvent(new Event('change', { bubbles: true })); }, pick(vals));
              }
            } else {
              await el.click({ timeout: 500, force: true });
            }
          }
        } catch (e) {
          // Elements come and go while the monkey plays; a vanished target is not a failure.
          if (!/detached|not attached|Timeout|not visible|outside of the viewport|intercepts|not an? <|Element is not/.test(String(e))) throw e;
        }
        if (page.problems.length) throw new Error(`after action ${i}: ${page.problems.join('\n')}`);
      }
      // Still responsive: stepping moves the event counter.
      await page.keyboard.press('Escape');
      const before = await page.textContent('.controls .events');
      await page.click('#step-forward', { force: true });
      await page.waitForFunction((b) => document.querySelector('.controls .events').textContent !== b, before, { timeout: 5000 })
        .catch(async () => {
          // The run may be at its end: stepping back must then work.
          await page.click('#step-back', { force: true });
        });
      await screenshot(page, 'monkey.png');
    },
  },
];
