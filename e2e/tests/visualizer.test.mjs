// The visualizer, used as a person would: Raft leader crash and re-election, a partition isolating the leader,
// 2PC blocking, exact seeking, dropping a message by clicking it.
import { open, preset, scrubTo, nodes, termOf, act, advanceUntil, clusterToPage, centres, now, drawing } from '../lib.mjs';

const leader = (ns) => ns.find((n) => n.role === 'leader' && !n.classes.includes('down'));

export const tests = [
  {
    name: 'Raft: a leader is elected; crash it and another node leads in a higher term',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'raft');
      let ns = await advanceUntil(page, (ns) => leader(ns));
      const first = leader(ns);
      const term = termOf(first);
      if (!(term >= 1)) throw new Error(`leader term ${term}`);
      // Every node's clocks are readable: inside the drawing, the rightmost node's too.
      const outside = await page.$$eval('#cluster .node-clock', (ts) => {
        const box = document.querySelector('#cluster').getBoundingClientRect();
        return ts.map((t) => [t.textContent, t.getBoundingClientRect()])
          .filter(([, r]) => r.left < box.left - 0.5 || r.right > box.right + 0.5).map(([text]) => text);
      });
      if (outside.length) throw new Error(`clock labels cut off at the drawing's edge: ${outside.join(', ')}`);
      await screenshot(page, 'raft-leader.png');
      await act(page, first.index, 'crash');
      ns = await nodes(page);
      if (!ns[first.index].classes.includes('down')) throw new Error('the leader did not go down');
      ns = await advanceUntil(page, (ns) => { const l = leader(ns); return l && l.index !== first.index; });
      const second = leader(ns);
      if (!(termOf(second) > term)) throw new Error(`new leader ${second.id} term ${termOf(second)} not above ${term}`);
      await screenshot(page, 'raft-reelected.png');
    },
  },
  {
    name: 'Raft: a partition isolates the leader; its entry is overwritten after the heal',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'raft');
      let ns = await advanceUntil(page, (ns) => leader(ns));
      const old = leader(ns);
      // Draw a chord that cuts the old leader off from the four others.
      await page.click('#partition-mode');
      await page.locator('#cluster').scrollIntoViewIfNeeded();
      const cs = await centres(page);
      const c = { x: 300, y: 290 };
      const p = cs[old.index];
      const m = { x: c.x + (p.x - c.x) * 0.55, y: c.y + (p.y - c.y) * 0.55 };
      const d = { x: -(p.y - c.y), y: p.x - c.x };
      const len = Math.hypot(d.x, d.y);
      const a = await clusterToPage(page, m.x + (d.x / len) * 280, m.y + (d.y / len) * 280);
      const b = await clusterToPage(page, m.x - (d.x / len) * 280, m.y - (d.y / len) * 280);
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move(b.x, b.y, { steps: 8 });
      await page.mouse.up();
      await page.click('#partition-mode');
      await page.waitForSelector('#cluster .link.cut');
      // The minority leader accepts a command it can never commit.
      await act(page, old.index, 'act.client', 'x=minority');
      // The majority elects a new leader, which takes a command too.
      const other = (ns) => ns.find((n) => n.role === 'leader' && n.index !== old.index && !n.classes.includes('down'));
      ns = await advanceUntil(page, other, { step: 150 });
      const fresh = other(ns);
      await act(page, fresh.index, 'act.client', 'x=majority');
      await scrubTo(page, (await now(page)) + 300);
      ns = await nodes(page);
      if (!ns[old.index].log.some((e) => e.includes('x=minority'))) throw new Error(`old leader log: ${ns[old.index].log}`);
      await screenshot(page, 'raft-partitioned.png');
      await page.click('#heal');
      ns = await advanceUntil(page, (ns) => ns[old.index].log.some((e) => e.includes('x=majority')), { step: 100, limit: 3000 });
      if (ns[old.index].log.some((e) => e.includes('x=minority'))) throw new Error('the minority entry survived the heal');
      await screenshot(page, 'raft-healed.png');
    },
  },
  {
    name: '2PC: the blocking preset shows "blocked since" on both participants',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, '2pc', '2PC-8');
      await scrubTo(page, 600);
      const ns = await nodes(page);
      for (const id of ['K', 'S']) {
        const n = ns.find((x) => x.id === id);
        if (!n.status.includes('blocked since 110')) throw new Error(`${id}: ${n.status}`);
        if (!n.classes.includes('blocked')) throw new Error(`${id} not drawn blocked`);
      }
      await screenshot(page, '2pc-blocked.png');
    },
  },
  {
    name: 'seeking back 5 s and forward again gives the same screen',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'raft', 'RAFT-raftscope');
      await scrubTo(page, 4900);
      await page.waitForTimeout(100);
      const a = await drawing(page);
      const logA = await page.textContent('.event-log .entries');
      await scrubTo(page, 1000);
      await scrubTo(page, 300);
      await scrubTo(page, 4900);
      await page.waitForTimeout(100);
      const b = await drawing(page);
      const logB = await page.textContent('.event-log .entries');
      if (logA !== logB) throw new Error('event log differs');
      // The drawings (every node, message, link and diagram element with its coordinates) must be identical.
      if (a !== b) throw new Error(`drawings differ after seeking back and forth (${a.length} vs ${b.length} chars)`);
      await screenshot(page, 'seek-back-and-forth.png');
    },
  },
  {
    name: 'clicking a message in flight and dropping it',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'link', 'NET-2');
      await scrubTo(page, 32);
      // Messages are painted on a canvas; the accessible list names each one with where it is drawn.
      const msg = page.locator('#msg-list button').first();
      const id = await msg.getAttribute('data-msg');
      const [x, y] = [Number(await msg.getAttribute('data-x')), Number(await msg.getAttribute('data-y'))];
      // Click the message where it is painted, as a person would (the drawing is 600 units square, fitted).
      const box = await page.locator('#cluster').boundingBox();
      const scale = Math.min(box.width, box.height) / 600;
      const px = box.x + (box.width - 600 * scale) / 2 + x * scale;
      const py = box.y + (box.height - 600 * scale) / 2 + y * scale;
      await page.mouse.click(px, py);
      await page.waitForSelector(`.insp-msg[data-msg='${id}']`);
      // Keyboard and screen-reader users reach messages through the list.
      const other = page.locator('#msg-list button').last();
      const id2 = await other.getAttribute('data-msg');
      await other.focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector(`.insp-msg[data-msg='${id2}']`);
      await page.mouse.click(px, py);
      await page.waitForSelector(`.insp-msg[data-msg='${id}']`);
      await page.click('#drop-message');
      await page.waitForFunction((id) => !document.querySelector(`#msg-list button[data-msg='${id}']`), id);
      const log = await page.textContent('.event-log .entries');
      if (!log.includes('lost: viewer')) throw new Error('the drop is not in the event log');
      await screenshot(page, 'dropped.png');
    },
  },
  {
    name: 'keyboard: "?" and "p" toggle help and partition mode on and off again; space plays and pauses',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'raft');
      const helpOpen = () => page.$('#help').then((h) => h !== null);
      const partitioning = () => page.$eval('.app', (a) => a.classList.contains('partitioning'));
      const playing = () => page.getAttribute('#play', 'aria-label');
      for (const want of [true, false, true, false]) {
        await page.keyboard.press('?');
        await page.waitForFunction((w) => (document.querySelector('#help') !== null) === w, want);
      }
      for (const want of [true, false, true]) {
        await page.keyboard.press('p');
        await page.waitForFunction((w) => document.querySelector('.app').classList.contains('partitioning') === w, want);
      }
      await page.keyboard.press('Escape');
      if (await partitioning() || await helpOpen()) throw new Error('Escape left partition mode or help open');
      const idle = await playing();
      await page.keyboard.press(' ');
      await page.waitForFunction((l) => document.querySelector('#play').getAttribute('aria-label') !== l, idle);
      await page.keyboard.press(' ');
      await page.waitForFunction((l) => document.querySelector('#play').getAttribute('aria-label') === l, idle);
      // Space on a focused button presses that button (here: one step), and does not also play.
      const clock = await page.textContent('#clock');
      await page.focus('#step-forward');
      await page.keyboard.press(' ');
      await page.waitForFunction((c) => document.querySelector('#clock').textContent !== c, clock);
      await page.waitForTimeout(300);
      if ((await playing()) !== idle) throw new Error('Space on the focused step button also started playback');
      await page.focus('#help-button');
      await page.keyboard.press(' ');
      await page.waitForSelector('#help');
      if ((await playing()) !== idle) throw new Error('Space on the focused help button started playback');
    },
  },
  {
    name: 'clicking an event-log entry seeks to that event and inspects it',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'raft');
      await scrubTo(page, 1500);
      // An older entry (the log is newest first), so the seek goes back in time.
      const entry = page.locator('.event-log .entries li').nth(6);
      const [t, i] = [Number(await entry.locator('.t').textContent()), await entry.getAttribute('data-i')];
      if (!(t < 1500)) throw new Error(`entry at ${t}`);
      await entry.locator('.what').click();
      await page.waitForSelector(`.insp-event[data-trace='${i}']`);
      const at = await now(page);
      if (Math.abs(at - t) >= 1) throw new Error(`clicked an entry at ${t} ms, the playhead is at ${at} ms`);
      // The entry is still listed: the log now ends at the playhead, which is that entry. It is marked as the
      // selected one and scrolled into the list's view.
      const row = await page.waitForSelector(`.event-log .entries li[data-i='${i}'].selected[aria-current='true']`);
      const [r, l] = await Promise.all([row.boundingBox(), page.locator('.event-log .entries').boundingBox()]);
      if (r.y < l.y - 1 || r.y + r.height > l.y + l.height + 1) throw new Error('the selected entry is scrolled out of view');
      if ((await page.$$('.event-log .entries li.selected')).length !== 1) throw new Error('more than one entry marked');
    },
  },
  {
    name: 'loading another scenario replaces the event log and the message list',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      // Two loads in a row, each stepped the same number of events: the panels must show the second run, not keep
      // the first.
      const panels = () => page.evaluate(() => [
        [...document.querySelectorAll('.event-log .entries .who')].map((w) => w.textContent).join(' '),
        [...document.querySelectorAll('#msg-list button')].map((b) => b.textContent).join(' | '),
      ]);
      const steps = async (k) => {
        for (let i = 0; i < k; i++) {
          const n = await page.$$eval('.event-log .entries li', (l) => l.length);
          await page.click('#step-forward');
          await page.waitForFunction((n) => document.querySelectorAll('.event-log .entries li').length > n, n);
        }
      };
      await preset(page, 'raft', 'RAFT-1');
      await steps(3);
      const raftIds = await page.$$eval('#cluster g.node .node-id', (n) => n.map((x) => x.textContent));
      await preset(page, '2pc', '2PC-1');
      await steps(3);
      const ids = await page.$$eval('#cluster g.node .node-id', (n) => n.map((x) => x.textContent));
      const [log, list] = await panels();
      const foreign = raftIds.filter((id) => !ids.includes(id));
      if (foreign.length === 0) throw new Error(`RAFT-1 and 2PC-1 name the same nodes: ${ids}`);
      for (const id of foreign) {
        if (log.split(' ').includes(id) || list.includes(id)) throw new Error(`2PC-1's panels still name ${id}: ${log} / ${list}`);
      }
    },
  },
  {
    name: 'while playing, the event log and the message list keep up; paused, they stay at the playhead',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'raft', 'RAFT-stress');
      const newest = () => page.evaluate(() => {
        const li = document.querySelector('.event-log .entries li');
        return li ? [li.dataset.i, Number(li.querySelector('.t').textContent)] : [null, -1];
      });
      const list = () => page.$$eval('#msg-list button', (b) => b.map((x) => x.dataset.msg).join(','));
      const [i0] = await newest();
      const l0 = await list();
      await page.keyboard.press(' ');
      // Refreshed in turns twice a second each: both change within a couple of seconds of play.
      await page.waitForFunction((i) => document.querySelector('.event-log .entries li')?.dataset.i !== i, i0,
        { timeout: 5000 });
      await page.waitForFunction((l) => [...document.querySelectorAll('#msg-list button')].map((x) => x.dataset.msg)
        .join(',') !== l, l0, { timeout: 5000 });
      await page.keyboard.press(' ');
      // Paused: the log's newest entry is at or before the playhead and the messages carry their drawn positions.
      await page.waitForFunction(() => document.querySelector('#msg-list button')?.dataset.x !== undefined);
      const [, t] = await newest();
      const at = await now(page);
      if (!(t >= 0 && t <= at)) throw new Error(`paused at ${at} ms, the newest log entry is at ${t} ms`);
      const again = await newest();
      await page.waitForTimeout(600);
      if (JSON.stringify(await newest()) !== JSON.stringify(again)) throw new Error('the log moved while paused');
    },
  },
  {
    name: 'keyboard: the share dialog holds the focus and Escape closes it; a node opens its menu with Enter',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      const active = () => page.evaluate(() => {
        const a = document.activeElement;
        return { id: a && a.id, inShare: !!(a && a.closest('#share-dialog')), inMenu: !!(a && a.closest('.node-menu')) };
      });
      await page.focus('#share-button');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#share-dialog');
      if ((await active()).id !== 'share-link') throw new Error('the share dialog did not take the focus');
      // Escape closes it at once, from its text field.
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('#share-dialog'));
      await page.focus('#share-button');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#share-dialog');
      // Help opened over it holds the focus itself.
      await page.focus('#copy-embed');
      await page.keyboard.press('?');
      await page.waitForSelector('#help');
      for (let k = 0; k < 3; k++) {
        await page.keyboard.press('Tab');
        if (!(await page.evaluate(() => !!document.activeElement.closest('#help')))) throw new Error('Tab left the help dialog');
      }
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('#help') && !document.querySelector('#share-dialog'));
      await page.focus('#share-button');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#share-dialog');
      for (let k = 0; k < 6; k++) {
        await page.keyboard.press(k % 2 ? 'Shift+Tab' : 'Tab');
        await page.keyboard.press('Tab');
        if (!(await active()).inShare) throw new Error(`Tab left the share dialog (press ${k})`);
      }
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('#share-dialog'));
      if ((await active()).id !== 'share-button') throw new Error('closing the dialog did not give the focus back');
      // Nodes: reachable by Tab, Enter opens the menu with the focus in it.
      await page.focus('#cluster g.node[data-node="1"]');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.node-menu');
      if (!(await active()).inMenu) throw new Error('Enter on a node did not move the focus into its menu');
      // Not onto Crash, where a second press would land.
      if (await page.evaluate(() => document.activeElement.classList.contains('menu-act'))) {
        throw new Error('the menu opened with the focus on an action');
      }
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('.node-menu'));
      await page.waitForFunction(() => document.activeElement && document.activeElement.matches('g.node[data-node="1"]'));
      // A click opens the menu without focusing the node, so Space still plays.
      const idle = await page.getAttribute('#play', 'aria-label');
      await page.click('#cluster g.node[data-node="2"] .node-body');
      await page.waitForSelector('.node-menu');
      await page.keyboard.press(' ');
      await page.waitForFunction((l) => document.querySelector('#play').getAttribute('aria-label') !== l, idle);
    },
  },
  {
    name: 'quiet stretches are fast-forwarded unless turned off: Raft\'s first election comes in seconds at 1/100',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'raft', 'RAFT-1');
      const clock = () => now(page);
      await page.click('#play');
      await page.waitForSelector('#quieting', { timeout: 3000 });
      // At 1/100 the first timeout (150 ms) is 15 s away; fast-forwarded it comes within a few.
      await page.waitForFunction(() => parseFloat(document.querySelector('#clock').textContent.replace(/[^0-9.]/g, '')) >= 151,
        null, { timeout: 6000 });
      await page.click('#play');
      await page.uncheck('#skip-quiet');
      await scrubTo(page, 0);
      await page.click('#play');
      await page.waitForTimeout(1500);
      await page.click('#play');
      const t = await clock();
      if (t > 25) throw new Error(`with quiet time not skipped, 1.5 s at 1/100 reached t=${t}`);
      if (await page.$('#quieting')) throw new Error('the fast-forward sign shows while it is off');
    },
  },
  {
    name: 'keyboard: log records, sliders and focus under the sticky bar; the bar does not shift while playing',
    async run({ baseUrl, newPage }) {
      const page = await open(await newPage(), baseUrl);
      await preset(page, 'raft', 'RAFT-1');
      await scrubTo(page, 800);
      // A log record takes the focus and Enter inspects it.
      const entry = page.locator('.event-log .entries li').nth(3);
      const i = await entry.getAttribute('data-i');
      await entry.focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector(`.insp-event[data-trace='${i}']`);
      // Space on the focused speed slider plays and pauses.
      const idle = await page.getAttribute('#play', 'aria-label');
      await page.focus('#speed');
      await page.keyboard.press(' ');
      await page.waitForFunction((l) => document.querySelector('#play').getAttribute('aria-label') !== l, idle);
      await page.keyboard.press(' ');
      await page.waitForFunction((l) => document.querySelector('#play').getAttribute('aria-label') === l, idle);
      // Tab onto the diagram's export buttons, low on the page: they end up clear of the sticky bar.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.focus('#st-to');
      await page.keyboard.press('Tab');
      const [btn, bar] = await page.evaluate(() => [document.activeElement.getBoundingClientRect().toJSON(),
        document.querySelector('.controls').getBoundingClientRect().toJSON()]);
      if (btn.bottom > bar.top) throw new Error(`the focused button (bottom ${btn.bottom}) is under the play bar (top ${bar.top})`);
      // Playing from the start: the sign for quiet time comes and goes, the sliders stay put.
      await scrubTo(page, 0);
      const left = () => page.$eval('#scrubber', (s) => Math.round(s.getBoundingClientRect().left));
      const at = await left();
      await page.click('#play');
      for (let k = 0; k < 20; k++) {
        await page.waitForTimeout(100);
        const now = await left();
        if (now !== at) throw new Error(`the timeline moved sideways while playing: ${at} → ${now}`);
      }
      await page.click('#play');
    },
  },
];
