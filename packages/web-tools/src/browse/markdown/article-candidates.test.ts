import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { completeArticle, findCandidates } from './article-candidates.ts';
import type { ArticleCandidates } from './article-candidates.ts';
import { createMarkdownConverter } from './html-to-markdown.ts';

const SENTENCE = 'The council voted on Tuesday to rebuild the old bridge over the river, after years of debate. ';
const story = (count: number): string => `<p>${SENTENCE.repeat(3)}</p>`.repeat(count);
const LEAD = 'After ten years of debate, the town will have its bridge back by the spring.';

function documentOf(body: string): Document {
  return parseHTML(`<!doctype html><html><head><title>Bridge</title></head><body>${body}</body></html>`).document;
}

// Readability's article stands in as an element of its own, as Readability hands it over.
function articleOf(body: string): HTMLElement {
  const root = documentOf(`<div id="article">${body}</div>`).getElementById('article');
  if (root === null) throw new Error('the test article has no root');
  return root;
}

const removeNothing = (): void => undefined;
const candidatesOf = (body: string): ArticleCandidates | undefined =>
  findCandidates(documentOf(body), (element) => element.matches('[hidden]'));
const textOf = (element: HTMLElement | undefined): string => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('findCandidates and completeArticle', () => {
  it('takes the densest block when Readability kept less than half of its text', () => {
    const candidates = candidatesOf(`<div class="box"><p>${SENTENCE}</p></div><div>${story(4)}</div>`);
    const chosen = completeArticle(articleOf(`<p>${SENTENCE}</p>`), candidates, removeNothing);
    expect(textOf(chosen).length).toBeGreaterThan(SENTENCE.length * 10);
  });

  it("keeps Readability's article when the densest block is not twice as long", () => {
    const candidates = candidatesOf(`<div>${story(3)}</div>`);
    const article = articleOf(`${story(2)}<p>Readability's own ending, kept.</p>`);
    expect(completeArticle(article, candidates, removeNothing)).toBe(article);
  });

  it('measures the densest block once the chrome is removed from it', () => {
    const candidates = candidatesOf(`<div>${story(3)}<p hidden>${SENTENCE.repeat(30)}</p></div>`);
    const article = articleOf(story(3));
    const removeHidden = (root: HTMLElement): void => root.querySelector('[hidden]')?.remove();
    expect(completeArticle(article, candidates, removeHidden)).toBe(article);
  });

  it('offers no block that is hidden or inside hidden chrome', () => {
    expect(candidatesOf(`<div hidden><div>${story(6)}</div></div>`)).toBeUndefined();
  });

  it('puts first the lead that the <article> sets above the story, once', () => {
    const page = `<article><header><p class="standfirst">${LEAD}</p></header><div class="body">${story(3)}</div></article>`;
    const chosen = completeArticle(articleOf(story(3)), candidatesOf(page), removeNothing);
    expect(textOf(chosen).startsWith(LEAD)).toBe(true);
    expect(textOf(chosen).split(LEAD)).toHaveLength(2);
    const already = completeArticle(articleOf(`<p>${LEAD}</p>${story(3)}`), candidatesOf(page), removeNothing);
    expect(textOf(already).split(LEAD)).toHaveLength(2);
  });

  it('takes no captions, teaser links, list items or short labels above the story as leads', () => {
    const above =
      `<div class="img_description"><p>${LEAD} Photo: AFP</p></div>` +
      `<p><a href="/other">Read also: the bridge that nobody in the town wanted to pay for</a></p>` +
      `<ul><li>${LEAD} In a list.</li></ul><p>By Ann Lee</p>`;
    const page = `<article>${above}<div class="body">${story(3)}</div></article>`;
    const chosen = completeArticle(articleOf(story(3)), candidatesOf(page), removeNothing);
    expect(textOf(chosen)).toBe(textOf(articleOf(story(3))));
  });

  it("adds no leads to an article that does not tell the densest block's story", () => {
    const page = `<article><p>${LEAD}</p><div>${story(3)}</div></article>`;
    const other = articleOf(`<p>${'Another story altogether, about a ferry. '.repeat(30)}</p>`);
    expect(textOf(completeArticle(other, candidatesOf(page), removeNothing))).not.toContain(LEAD);
  });

  it('finds nothing on a page without paragraphs', () => {
    expect(candidatesOf('<div>Only a line of text</div>')).toBeUndefined();
  });

  it('converts the story a page hides from Readability in <noscript> for readers without JavaScript', () => {
    const page = `<html><head><title>Bridge</title></head><body><div class="post"><p>Loading…</p><noscript><div>${story(4)}</div></noscript></div></body></html>`;
    const { markdown } = createMarkdownConverter({ keepImages: false, keepLinks: false })(page, 'https://example.com/');
    expect(markdown).toContain('rebuild the old bridge');
  });
});
