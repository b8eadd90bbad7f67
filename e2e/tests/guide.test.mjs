// The guided tours: every step of every chapter, in English and in Korean, and "try it yourself".
import { open, nodes, now } from '../lib.mjs';

/** The guide's state as the page shows it. */
const shown = (page) => page.evaluate(() => {
  const g = document.querySelector('#guide');
  return {
    chapter: g.dataset.chapter, step: +g.dataset.step, scenario: g.dataset.scenario, until: +g.dataset.until,
    text: document.querySelector('#guide-text').textContent,
    progress: document.querySelector('.guide-progress').textContent,
    preset: document.querySelector('#preset').value,
    clock: parseFloat(document.querySelector('#clock').textContent.replace(/[^0-9.]/g, '')),
    next: !document.querySelector('#guide-next').disabled,
  };
});

/** Steps from the first step of the first chapter to the last of the last, checking each on the way. */
async function walk(page, lang) {
  await page.click('#guide-button');
  await page.waitForSelector('#guide');
  const seen = new Set();
  let steps = 0;
  for (;;) {
    // The step is shown once its scenario is loaded and played to the step's moment.
    await page.waitForFunction(() => {
      const g = document.querySelector('#guide');
      const c = parseFloat(document.querySelector('#clock').textContent.replace(/[^0-9.]/g, ''));
      return g && g.dataset.narration === 'ready' && document.querySelector('#preset').value === g.dataset.scenario &&
        Math.abs(c - +g.dataset.until) < 1;
    });
    const s = await shown(page);
    if (s.text.trim().length < 20) throw new Error(`${s.chapter} step ${s.step}: no narration`);
    if (lang === 'ko' && !/[\uac00-\ud7a3]/.test(s.text)) throw new Error(`${s.chapter} step ${s.step}: not Korean: ${s.text}`);
    if (lang === 'en' && /[\uac00-\ud7a3]/.test(s.text)) throw new Error(`${s.chapter} step ${s.step}: Korean in English`);
    if (s.progress !== `${s.step + 1} / ${s.progress.split(' / ')[1]}`) throw new Error(`progress ${s.progress}`);
    seen.add(s.chapter);
    steps += 1;
    if (!s.next) break;
    await page.click('#guide-next');
    await page.waitForFunction((prev) => {
      const g = document.querySelector('#guide');
      return g.dataset.chapter !== prev.chapter || +g.dataset.step !== prev.step;
    }, s);
  }
  const chapters = await page.$$eval('#guide-chapter option', (o) => o.length);
  if (seen.size !== chapters) throw new Error(`walked ${seen.size} of ${chapters} chapters`);
  return steps;
}

export const tests = [
  {
    name: 'every guide chapter steps through to its end, in English and in Korean',
    async run({ baseUrl, newPage }) {
      const counts = [];
      for (const lang of ['en', 'ko']) {
        const page = await open(await newPage(), baseUrl);
        await page.selectOption('#lang', lang);
        counts.push(await walk(page, lang));
        await page.close();
      }
      if (counts[0] !== counts[1] || counts[0] < 50) throw new Error(`steps walked: ${counts}`);
    },
  },
  {
    name: 'the narration is fetched once per language; when it cannot be, the panel says so and the steps still play',
    async run({ baseUrl, newPage }) {
      const page = await newPage();
      const fetched = [];
      page.on('request', (r) => { if (/guide\/(en|ko)\.json$/.test(r.url())) fetched.push(r.url().split('/').pop()); });
      await page.route('**/guide/en.json', (r) => r.abort());
      await open(page, baseUrl);
      await page.click('#guide-button');
      await page.waitForSelector('#guide[data-narration="failed"]');
      const text = await page.textContent('#guide-text');
      if (!/could not be loaded/.test(text) || !/guide\/en\.json/.test(text)) throw new Error(`failure not shown: ${text}`);
      // The step still plays its scenario to its moment.
      await page.waitForFunction(() => {
        const g = document.querySelector('#guide');
        return document.querySelector('#preset').value === g.dataset.scenario;
      });
      // The expected failure is not one of the page's problems; anything else still is.
      page.problems = page.problems.filter((p) => !/guide\/en\.json|net::ERR_FAILED/.test(p));
      // Opening the guide again tries again, and now it loads.
      await page.unroute('**/guide/en.json');
      await page.click('#guide-exit');
      await page.click('#guide-button');
      await page.waitForSelector('#guide[data-narration="ready"]');
      if ((await page.textContent('#guide-text')).trim().length < 20) throw new Error('no narration after the retry');
      // Korean is fetched when the language changes; English is not fetched again.
      await page.selectOption('#lang', 'ko');
      await page.waitForSelector('#guide[data-narration="ready"]');
      await page.waitForFunction(() => /[\uac00-\ud7a3]/.test(document.querySelector('#guide-text').textContent));
      await page.click('#guide-next');
      await page.selectOption('#lang', 'en');
      await page.waitForFunction(() => !/[\uac00-\ud7a3]/.test(document.querySelector('#guide-text').textContent));
      const want = ['en.json', 'en.json', 'ko.json'];
      if (JSON.stringify(fetched) !== JSON.stringify(want)) throw new Error(`fetched ${fetched}, want ${want}`);
    },
  },
  {
    name: '"try it yourself" opens the sandbox at the step\'s moment, live',
    async run({ baseUrl, newPage, screenshot }) {
      const page = await open(await newPage(), baseUrl);
      await page.click('#guide-button');
      await page.waitForSelector('#guide');
      // A step in the middle of the Raft chapter on partitions, or failing that the third chapter.
      const options = await page.$$eval('#guide-chapter option', (o) => o.map((x) => [x.value, x.textContent]));
      const raft = options.find(([, t]) => /partition/i.test(t) && /raft/i.test(t)) || options[2];
      await page.selectOption('#guide-chapter', raft[0]);
      await page.waitForFunction((v) => document.querySelector('#guide-chapter').value === v, raft[0]);
      await page.click('#guide-next');
      await page.click('#guide-next');
      await page.waitForFunction(() => {
        const g = document.querySelector('#guide');
        const c = parseFloat(document.querySelector('#clock').textContent.replace(/[^0-9.]/g, ''));
        return g && +g.dataset.step === 2 && document.querySelector('#preset').value === g.dataset.scenario &&
          Math.abs(c - +g.dataset.until) < 1;
      });
      const s = await shown(page);
      // What the sandbox must keep: every node's facts and log, the messages in flight, the event log (the guide's
      // highlights go away, so the classes may change).
      const state = async () => JSON.stringify([
        (await nodes(page)).map(({ classes, ...rest }) => rest),
        await page.$$eval('#msg-list button', (b) => b.map((x) => [x.dataset.msg, x.dataset.x, x.dataset.y, x.textContent])),
        await page.textContent('.event-log .entries'),
      ]);
      const before = await state();
      await page.click('#guide-try');
      await page.waitForFunction(() => !document.querySelector('#guide'));
      // Same scenario, same moment, same picture.
      if (await page.inputValue('#preset') !== s.scenario) throw new Error('the sandbox runs another scenario');
      if (Math.abs(await now(page) - s.until) >= 1) throw new Error(`the sandbox is at ${await now(page)}, not ${s.until}`);
      if (await state() !== before) throw new Error('the sandbox does not show the step\'s state');
      // And it is live: stepping moves time on, and a node can be crashed from its menu.
      await page.click('#step-forward');
      await page.waitForFunction((t) => parseFloat(document.querySelector('#clock').textContent.replace(/[^0-9.]/g, '')) > t, s.until);
      await page.click('#cluster g.node .node-body >> nth=1');
      await page.waitForSelector('.node-menu');
      await screenshot(page, 'guide-try.png');
    },
  },
];
