// Control characters in a name forge lines in logs, CSV exports and terminals (CR, LF),
// restyle them (ESC) or hide text; U+2028/U+2029 are line breaks to JavaScript and many
// viewers. Kept as pattern text so that the HTTP schemas can carry the same rule (and the
// validator recognise it to name it).

/** One line of text: no C0 or C1 control characters (tab, CR, LF included), DEL, U+2028, U+2029. */
export const singleLinePattern = '^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$';
/** Text that may span lines: tab, LF and CR allowed, other control characters not. */
export const multiLinePattern = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$';

const singleLine = new RegExp(singleLinePattern, 'u');

export const singleLineRule = 'must be a single line of text, without control characters (line breaks, tabs, escapes)';

/** Whether `text` may be stored in a single-line field (a name). */
export function isSingleLine(text: string): boolean {
  return singleLine.test(text);
}
