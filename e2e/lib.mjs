// Helpers shared by the end-to-end tests: what a person does, expressed once.

/** Opens the app (optionally a path/query/fragment) and waits for the cluster. */
export async function open(page, baseUrl, suffix = '/') {
  await page.goto(baseUrl + suffix);
  await page.waitForSelector('#cluster g.node, #spacetime');
  return page;
}

/** Picks a protocol and a preset from the top bar. */
export async function preset(page, protocol, id) {
  await page.selectOption('#protocol', protocol);
  await page.waitForFunction((p) => document.querySelector('#protocol').value === p, protocol);
  if (id) {
    await page.selectOption('#preset', id);
    // The preset is fetched when picked: wait until it is the scenario running, not just the one picked.
    await page.waitForFunction((i) => document.querySelector('#preset').dataset.loaded === i, id);
  }
}

/** Moves the playhead with the scrubber, as a drag would. */
export async function scrubTo(page, t) {
  t = await page.evaluate((t) => {
    const s = document.querySelector('#scrubber');
    t = Math.min(t, +s.max);
    s.value = String(t);
    s.dispatchEvent(new Event('input', { bubbles: true }));
    return t;
  }, t);
  await page.waitForFunction((t) => {
    const c = document.querySelector('#clock, .embed-bar .clock');
    return c && parseFloat(c.textContent.replace(/[^0-9.]/g, '')) >= Math.min(t, 1e12) - 1;
  }, t);
}

/** The current playhead in ms. */
export async function now(page) {
  return page.evaluate(() => parseFloat(document.querySelector('#clock').textContent.replace(/[^0-9.]/g, '')));
}

/** Each node's id, role text and drawn facts. */
export async function nodes(page) {
  return page.$$eval('#cluster g.node', (gs) => gs.map((g) => ({
    index: +g.dataset.node,
    id: g.querySelector('.node-id').textContent,
    role: g.dataset.role,
    classes: g.getAttribute('class'),
    facts: [...g.querySelectorAll('.node-fact')].map((t) => t.textContent),
    status: g.querySelector('.node-status')?.textContent || '',
    log: [...g.querySelectorAll('.log-cell title')].map((t) => t.textContent),
  })));
}

/** The term a Raft node shows. */
export function termOf(n) {
  const f = n.facts.find((x) => x.startsWith('term '));
  return f ? parseInt(f.slice(5), 10) : NaN;
}

/** Opens a node's menu. */
export async function menu(page, i) {
  await page.click(`#cluster g.node[data-node='${i}'] .node-body`);
  await page.waitForSelector('.node-menu');
}

/** Runs a node-menu action, typing `text` into its field first when given. */
export async function act(page, i, key, text) {
  await menu(page, i);
  const row = page.locator('.node-menu .menu-row', { has: page.locator(`button[data-act='${key}']`) });
  if (text !== undefined) await row.locator('input').fill(text);
  await row.locator(`button[data-act='${key}']`).click();
  await page.click('.node-menu button.close');
}

/** Waits until `pred(nodes)` holds, advancing simulated time by `step` ms at a time (up to `limit` ms). */
export async function advanceUntil(page, pred, { step = 200, limit = 20000 } = {}) {
  let t = await now(page);
  const end = t + limit;
  for (;;) {
    const ns = await nodes(page);
    if (pred(ns)) return ns;
    if (t >= end) throw new Error(`condition not met by t=${t}: ${JSON.stringify(ns.map((n) => [n.id, n.role, n.facts]))}`);
    t += step;
    await scrubTo(page, t);
  }
}

/** Converts a point of the cluster drawing (600×600 user units) to page coordinates. */
export async function clusterToPage(page, x, y) {
  const r = await page.locator('#cluster').boundingBox();
  const scale = Math.min(r.width / 600, r.height / 600);
  const ox = (r.width - 600 * scale) / 2;
  const oy = (r.height - 600 * scale) / 2;
  return { x: r.x + ox + x * scale, y: r.y + oy + y * scale };
}

/** Node centres in the drawing's units. */
export async function centres(page) {
  return page.$$eval('#cluster g.node .node-body', (cs) => cs.map((c) => ({ x: +c.getAttribute('cx'), y: +c.getAttribute('cy') })));
}

/** The drawing (cluster, the messages painted on its canvas, and the diagram) as text, independent of DOM update
 * order. */
export const drawing = (page) => page.evaluate(() => {
  // Every element with its attributes in a fixed order and its own text: the drawing, independent of how the DOM
  // was updated to get there.
  const out = [];
  for (const root of [document.querySelector('#cluster'), document.querySelector('#msg-list'), document.querySelector('#spacetime')]) {
    if (!root) continue;
    for (const e of [root, ...root.querySelectorAll('*')]) {
      const attrs = [...e.attributes].map((a) => `${a.name}=${a.value}`).sort().join(' ');
      const own = [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('');
      out.push(`${e.tagName} ${attrs} ${own}`);
    }
  }
  return out.join('\n');
});
