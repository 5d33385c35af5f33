import { describe, expect, it } from 'vitest';
import { createMarkdownConverter } from './html-to-markdown.ts';

const plain = createMarkdownConverter({ keepImages: false, keepLinks: false });
const rich = createMarkdownConverter({ keepImages: true, keepLinks: true });

const paragraph = (words: string): string => `<p>${`${words} `.repeat(30).trim()}</p>`;

function page(body: string, head = '<title>Page</title>'): string {
  return `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
}

describe('createMarkdownConverter', () => {
  it('converts the whole page minus its chrome when Readability finds no article', () => {
    // Readability drops text areas and forms' controls: a pastebin page leaves it with nothing.
    const html = page(`<form>
      <textarea>first line of the paste\n  second line, indented</textarea><button>Raw</button></form>
      <div hidden>Secret banner</div><footer>Imprint and privacy policy</footer>`);
    const result = plain(html, 'https://example.com/');
    expect(result.extraction).toBe('whole_page');
    expect(result.title).toBe('Page');
    expect(result.markdown).toBe('```\nfirst line of the paste\n  second line, indented\n```');
  });

  it('converts a page too deep or too large for Readability whole, instead of spending minutes on it', () => {
    // Found by the reliability suite: 2000 nested <div>s, 20 KB, kept Readability busy for 100 s.
    const deep = plain(
      page(`${'<div>'.repeat(2_000)}${paragraph('deep')}${'</div>'.repeat(2_000)}`),
      'https://x.test/',
    );
    const wide = plain(page('<div><span>cell</span></div>'.repeat(12_000)), 'https://x.test/');
    const real = plain(page(`${'<div>'.repeat(30)}${paragraph('real')}${'</div>'.repeat(30)}`), 'https://x.test/');

    expect(deep.extraction).toBe('whole_page');
    expect(deep.markdown).toBe('deep '.repeat(30).trim());
    expect(wide.extraction).toBe('whole_page');
    expect(real.extraction).toBe('article');
  });

  it('drops elements hidden by an inline style from a page converted whole', () => {
    // Deeper than 64 levels, so the whole-page fallback converts it, not Readability.
    const hidden = `<div style="display: none">Hidden banner</div><p>Shown text.
      <span style="color:red; VISIBILITY : hidden !important">hidden word</span></p>
      <section style="display:none;">${paragraph('Hidden section.')}</section>`;
    const result = plain(page(`${'<div>'.repeat(70)}${hidden}${'</div>'.repeat(70)}`), 'https://x.test/');
    expect(result.extraction).toBe('whole_page');
    expect(result.markdown).toBe('Shown text.');
  });

  it('uses the article Readability finds, with its title', () => {
    const result = plain(
      page(`<nav>Menu</nav><article><h2>Section</h2>${paragraph('Tide pools are rocky.')}</article>`),
      'https://example.com/',
    );
    expect(result.extraction).toBe('article');
    expect(result.markdown.startsWith('## Section\n\nTide pools are rocky.')).toBe(true);
    expect(result.markdown).not.toContain('Menu');
  });

  it('reads documents that leave out the optional <html>, <head> and <body> tags', () => {
    const result = plain(
      `<!doctype html><meta charset="utf-8"><title>Minimal</title>${paragraph('Minimal pages work.')}`,
      'https://example.com/',
    );
    expect(result.title).toBe('Minimal');
    expect(result.markdown.startsWith('Minimal pages work.')).toBe(true);
    expect(plain('<p>Just a fragment of text.</p>', 'https://example.com/').markdown).toBe('Just a fragment of text.');
  });

  it('returns empty markdown for an empty or script-only document, without throwing', () => {
    expect(plain('', 'https://example.com/').markdown).toBe('');
    expect(plain(page('<script>app()</script>'), 'https://example.com/').markdown).toBe('');
  });

  it('resolves kept links and images against <base href>, and drops javascript: links and data: images', () => {
    const html = page(
      `${paragraph('Body text.')}<p><a href="docs/intro.html">Intro</a> <a href="javascript:void(0)">Menu</a>
       <img src="img/a.png" alt="Diagram"> <img src="data:image/png;base64,AAAA" alt="Inline"></p>`,
      '<title>Docs</title><base href="https://cdn.example.org/v2/">',
    );
    const { markdown } = rich(html, 'https://example.com/page');
    expect(markdown).toContain('[Intro](https://cdn.example.org/v2/docs/intro.html)');
    expect(markdown).toContain('![Diagram](https://cdn.example.org/v2/img/a.png)');
    expect(markdown).not.toMatch(/javascript:|data:image/);
    expect(markdown).toContain('Menu');
  });

  it('writes data tables as GFM tables, with an empty header when they have none', () => {
    const { markdown } = plain(
      page(`${paragraph('Tables follow.')}<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>`),
      'https://example.com/',
    );
    expect(markdown).toContain('|  |  |\n| --- | --- |\n| a | b |\n| c | d |');
  });

  it('keeps lists and code inside table cells readable instead of emitting raw HTML', () => {
    const { markdown } = plain(
      page(`${paragraph('Tables follow.')}<table><thead><tr><th>Name</th><th>Parts</th></tr></thead><tbody>
        <tr><td><h3>Engine</h3></td><td><ul><li>Piston</li><li>Valve | seal</li></ul></td></tr>
        <tr><td>Code</td><td><pre>x = 1</pre></td></tr></tbody></table>`),
      'https://example.com/',
    );
    expect(markdown).toContain(
      '| Name | Parts |\n| --- | --- |\n| **Engine** | • Piston<br>• Valve \\| seal |\n| Code | `x = 1` |',
    );
    expect(markdown).not.toContain('<table');
  });

  it('unwraps layout tables into paragraphs', () => {
    const { markdown } = plain(
      page(
        `<table><tr><td>${paragraph('Left column text.')}</td><td>${paragraph('Right column text.')}</td></tr></table>`,
      ),
      'https://example.com/',
    );
    expect(markdown).not.toContain('|');
    expect(markdown).toMatch(/^Left column text\.[^]*\n\nRight column text\./);
  });

  it('fences bare <pre> blocks and code that itself contains backticks', () => {
    const { markdown } = plain(
      page(
        `${paragraph('Code follows.')}<pre>  indented  [layout]\n  kept</pre><pre><code>\`\`\`\nnested\n\`\`\`</code></pre>`,
      ),
      'https://example.com/',
    );
    expect(markdown).toContain('```\n  indented  [layout]\n  kept\n```');
    expect(markdown).toContain('````\n```\nnested\n```\n````');
  });

  it('keeps a long run of spaces inside <pre> exactly as it is', () => {
    // Found by the regex audit: `/[ \t]+$/gm` in our tidying and turndown's final trim were tried at
    // every position of such a run; 196 KB of spaces took 18 s, and this page minutes.
    const run = ' '.repeat(196_000);
    const { markdown } = plain(page(`<pre>x${run}y</pre><pre><code>z${run}\u00a0</code></pre>`), 'https://x.test/');
    expect(markdown).toBe(`\`\`\`\nx${run}y\n\`\`\`\n\n\`\`\`\nz${run}\u00a0\n\`\`\``);
  });

  it('keeps long runs the conversion joins (line breaks, non-breaking spaces) and trims the ends of lines', () => {
    const { markdown } = plain(
      page(`<p>a${'<br>'.repeat(5_000)}b</p><p>c${'&nbsp;'.repeat(40)}d</p><pre>e  \t\nf</pre>`),
      'https://x.test/',
    );
    expect(markdown).toBe(`a\n\nb\n\nc${'\u00a0'.repeat(40)}d\n\n\`\`\`\ne\nf\n\`\`\``);
  });

  it('drops soft hyphens, written raw or as &shy;, so that the words read whole', () => {
    const { markdown } = plain(page('<p>Wäh&shy;rend Sie über den Markt schlen\u00addern</p>'), 'https://x.test/');
    expect(markdown).toBe('Während Sie über den Markt schlendern');
  });

  it("cannot be made to put a page's own noncharacters back as whitespace", () => {
    const { markdown } = plain(page(`<pre>\ufdd00\ufdd1${' '.repeat(40)}x</pre>`), 'https://x.test/');
    expect(markdown).toBe(`\`\`\`\n\ufffd0\ufffd${' '.repeat(40)}x\n\`\`\``);
  });

  it('numbers ordered lists from their start attribute, with one space after the marker', () => {
    const { markdown } = plain(
      page(`${paragraph('Steps follow.')}<ol start="4"><li>Four</li><li>Five<ul><li>Nested</li></ul></li></ol>`),
      'https://example.com/',
    );
    expect(markdown).toContain('4. Four\n5. Five\n   - Nested');
  });
});
