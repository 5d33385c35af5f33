/**
 * Returns `text` safe to write to a terminal: C0 and C1 control characters (escape sequences that
 * set the window title, write the clipboard through OSC 52, or forge links through OSC 8) are shown
 * as `\xNN` instead of being sent; newlines and tabs stay. Pages, tools and models write text that
 * reaches verbose traces, and none of them may drive the developer's terminal.
 */
export function escapeControls(text: string): string {
  let result: string | undefined;
  let copied = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (!isControl(code)) continue;
    result = (result ?? '') + text.slice(copied, index) + `\\x${code.toString(16).padStart(2, '0').toUpperCase()}`;
    copied = index + 1;
  }
  return result === undefined ? text : result + text.slice(copied);
}

function isControl(code: number): boolean {
  if (code === 0x0a || code === 0x09) return false;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}
