import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { removeServerErrors } from './server-errors.ts';

function cleaned(body: string): string {
  const { document } = parseHTML(`<!doctype html><html><body><div id="root">${body}</div></body></html>`);
  const root = document.getElementById('root');
  if (root === null) throw new Error('the test page has no root');
  removeServerErrors(root);
  return root.textContent.replace(/\s+/g, ' ').trim();
}

describe('removeServerErrors', () => {
  it("removes PHP's warning lines, each up to its <br>, and keeps the text around them", () => {
    const warnings =
      '<br />\n<b>Strict Standards</b>:  Redefining already defined constructor for class wpdb in ' +
      '<b>/www/htdocs/wp-includes/wp-db.php</b> on line <b>56</b><br />\n' +
      '<b>Deprecated</b>:  preg_replace(): The /e modifier is deprecated in <b>/www/formatting.php</b> on line <b>82</b><br />';
    const text = cleaned(`<p>Malaga has a fine old town.</p>${warnings}<p>Its market opens at eight.</p>`);
    expect(text).toBe('Malaga has a fine old town. Its market opens at eight.');
  });

  it('removes a warning that ends its parent without a <br>', () => {
    expect(cleaned('<p><b>Notice</b>: Undefined index: id in <b>/var/www/index.php</b> on line <b>7</b></p>')).toBe('');
  });

  it("keeps a bold 'Warning' of the text itself, which names no file and line", () => {
    const text = cleaned('<p><b>Warning</b>: never mix bleach and ammonia, the gas they make is toxic.</p>');
    expect(text).toBe('Warning: never mix bleach and ammonia, the gas they make is toxic.');
    expect(cleaned('<p><b>Warning</b>: the bridge in town is closed on line 5 of the tram.</p>')).toContain('bridge');
  });

  it('keeps a warning that a tutorial shows in a code sample', () => {
    const sample = '<pre><b>Notice</b>: Undefined variable: x in <b>/var/www/demo.php</b> on line <b>3</b></pre>';
    expect(cleaned(sample)).toBe('Notice: Undefined variable: x in /var/www/demo.php on line 3');
  });
});
