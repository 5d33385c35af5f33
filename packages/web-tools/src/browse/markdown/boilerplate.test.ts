import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { pruneBoilerplate } from './boilerplate.ts';

const STORY = '<p>The council voted on Tuesday to rebuild the old bridge over the river, after years of debate.</p>';

function pruned(body: string, keepCaptions = false): string {
  const { document } = parseHTML(`<!doctype html><html><body><div id="root">${body}</div></body></html>`);
  const root = document.getElementById('root');
  if (root === null) throw new Error('the test page has no root');
  pruneBoilerplate(root, keepCaptions, 'https://news.example.com/2024/bridge');
  return root.textContent.replace(/\s+/g, ' ').trim();
}

describe('pruneBoilerplate', () => {
  it('removes share bars, related lists and newsletter boxes by the names the page gives them', () => {
    const text = pruned(
      `${STORY}<div class="post-share-bar">Share this</div><section id="relatedPosts"><p>Other news</p></section>` +
        '<div class="NewsletterBox">Sign up now</div>',
    );
    expect(text).toBe('The council voted on Tuesday to rebuild the old bridge over the river, after years of debate.');
  });

  it("removes disclosure boxes and other sites' recommendation widgets, as trafilatura's discard rules do", () => {
    const text = pruned(
      `<p class="product-disclosure">We recommend the best products through an independent review process.</p>${STORY}` +
        '<div class="OUTBRAIN">Promoted stories</div><div id="taboola-below">Around the web</div>',
    );
    expect(text).toBe('The council voted on Tuesday to rebuild the old bridge over the river, after years of debate.');
  });

  it('keeps a wrapper with such a name when it holds most of the text', () => {
    expect(pruned(`<div class="entry-meta-wrapper">${STORY}</div>`)).toContain('The council voted');
  });

  it('drops short image captions and credits unless images are kept, and keeps long ones', () => {
    const figure = '<figure><img src="a.jpg"><figcaption>Photo: AFP</figcaption></figure>';
    const long = `<div class="slide-caption">${'A caption that tells the story. '.repeat(10)}</div>`;
    expect(pruned(`${STORY}${figure}${long}`)).not.toContain('Photo: AFP');
    expect(pruned(`${STORY}${figure}${long}`)).toContain('tells the story');
    expect(pruned(`${STORY}${figure}`, true)).toContain('Photo: AFP');
  });

  it('drops a credit or copyright line with the short caption it ends, and the text around it stays', () => {
    const credit =
      '<div class="media"><div>Lee Elder at the Masters in 1975. | &copy; Augusta National/Getty Images</div></div>';
    const footer = '<p>© Example News 2019</p>';
    const text = pruned(`${STORY}${credit}${STORY}${footer}`);
    expect(text).not.toContain('Getty');
    expect(text).not.toContain('Lee Elder');
    expect(text).not.toContain('Example News');
    expect(text.match(/The council voted/g)).toHaveLength(2);
    // A paragraph longer than a caption keeps its ©: it is the story's, whatever it mentions.
    const long = `<p>${'The court heard that the © sign was printed on every copy. '.repeat(5)}</p>`;
    expect(pruned(`${STORY}${long}`)).toContain('© sign');
    // Captions stay when images do, and credits with them.
    expect(pruned(`${STORY}${credit}`, true)).toContain('Getty');
    // A license header in a code sample is part of the sample.
    expect(pruned(`${STORY}<pre><code>/* © 2024 Example Corp, MIT */\nrun();</code></pre>`)).toContain('MIT');
  });

  it('keeps the captions of a slideshow, where they hold half of the text or more', () => {
    const slide = (caption: string): string => `<figure><img src="a.jpg"><figcaption>${caption}</figcaption></figure>`;
    const slides = slide('With a bowler hat and a cane, the look is done.') + slide('A cape, a mask and a wide grin.');
    expect(pruned(`<p>Ideas:</p>${slides}`)).toContain('bowler hat');
    expect(pruned(`${STORY}${STORY}${slide('Photo: AFP')}`)).not.toContain('Photo: AFP');
  });

  it('removes short date lines and <time> elements', () => {
    const text = pruned(`<p class="post-date">Updated: 03.04.2020</p><p><time>5 May</time></p>${STORY}`);
    expect(text).not.toContain('2020');
    expect(text).not.toContain('5 May');
  });

  it('keeps the dateline that opens a news story, and removes a date that ends a line', () => {
    const dateline = '<p><span class="dateline">KOBE – </span>A total of 6,000 masks were lost at a hospital.</p>';
    const answered = '<p>answered in March at <span class="relativetime">20:37</span></p>';
    const text = pruned(`${dateline}${STORY}${answered}`);
    expect(text).toContain('KOBE – A total');
    expect(text).not.toContain('20:37');
  });

  it('removes lists made of links and keeps lists of text', () => {
    const links =
      '<ul><li><a href="/a">Another story about bridges</a></li><li><a href="/b">And one more</a></li></ul>';
    const items = '<ul><li>Steel for the deck</li><li>Stone for the <a href="/p">piers</a></li></ul>';
    const text = pruned(`${STORY}${links}${items}`);
    expect(text).not.toContain('Another story');
    expect(text).toContain('Steel for the deckStone for the piers');
  });

  it('removes a heading left with nothing under it, and keeps headings of one level in a row', () => {
    const text = pruned(
      `<h2>Plan</h2>${STORY}<h3>One</h3><h3>Two</h3><p>Both phases.</p><h2>Read more</h2><div class="related">x</div>`,
    );
    expect(text).toContain('Plan');
    expect(text).toContain('OneTwoBoth phases.');
    expect(text).not.toContain('Read more');
  });

  it('removes a short paragraph that is mostly a link, and keeps a sentence ending in one or an e-mail address', () => {
    const teaser =
      '<p>Read also: <a href="/other">The bridge that nobody in the town council wanted to pay for</a></p>';
    const sentence = '<p>He took over from Ann Lee, <a href="/lee">who had led the team for years.</a></p>';
    const mail = '<p><a href="mailto:desk@example.com">desk@example.com</a></p>';
    const text = pruned(`${STORY}${teaser}${sentence}${mail}`);
    expect(text).not.toContain('Read also');
    expect(text).toContain('who had led the team');
    expect(text).toContain('desk@example.com');
  });

  it("removes the label line above a list of the site's own pages, and keeps the one above sources elsewhere", () => {
    const own =
      '<ul><li><a href="/a">Another story about bridges</a></li><li><a href="https://www.news.example.com/b">One more</a></li></ul>';
    const sources = '<ul><li><a href="https://stats.example.org/t1">Traffic counts 2023</a></li></ul>';
    const text = pruned(`${STORY}<p><strong>Read also</strong></p>${own}<p>Our sources:</p>${sources}`);
    expect(text).not.toContain('Read also');
    expect(text).toContain('Our sources:');
  });

  it('keeps a short line that titles text the pass keeps, or that is long', () => {
    const long = `<p><strong>${'A bold passage of the story itself. '.repeat(4)}</strong></p>`;
    const teaser =
      '<p>Read also: <a href="/other">The bridge that nobody in the town council wanted to pay for</a></p>';
    const text = pruned(`<p><strong>The vote</strong></p>${STORY}${long}${teaser}`);
    expect(text).toContain('The vote');
    expect(text).toContain('A bold passage');
  });

  it('reads a heading left open around the whole story as text', () => {
    const story = '<p>A long passage of the story. </p>'.repeat(10);
    expect(pruned(`<h2>Lead<p>${story}</p></h2>`)).toContain('A long passage');
  });

  it('reads only the start of a long class attribute', () => {
    const name = `${'x'.repeat(400)} share`;
    expect(pruned(`${STORY}<p class="${name}">Kept because its name is read only so far.</p>`)).toContain(
      'Kept because',
    );
  });
});
