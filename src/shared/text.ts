// Control characters in a name forge lines in logs, CSV exports and terminals (CR, LF),
// restyle them (ESC) or hide text; U+2028/U+2029 are line breaks to JavaScript and many
// viewers. Kept as pattern text so that the HTTP schemas can carry the same rule (and the
// validator recognise it to name it).

/**
 * One line of text: no C0 or C1 control characters (tab, CR, LF included), DEL, U+2028,
 * U+2029.
 */
export const singleLinePattern = '^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$';
/** Text that may span lines: tab, LF and CR allowed, other control characters not. */
export const multiLinePattern = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$';

const singleLine = new RegExp(singleLinePattern, 'u');

export const singleLineRule = 'must be a single line of text, without control characters (line breaks, tabs, escapes)';

/** Whether `text` may be stored in a single-line field (a name). */
export function isSingleLine(text: string): boolean {
  return singleLine.test(text);
}

// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `text` with every control character (C0 incl. tab, CR, LF and ESC; DEL; C1; U+2028/2029)
 * written as a visible `\uXXXX` escape, for output read line by line (logs, exports): a
 * crafted value can neither start a line of its own nor restyle a terminal, and whoever
 * reads it still sees what was there.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(controlCharacters, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Spreadsheet programs run cells that start with one of these as formulas (CSV injection).
const formulaStart = /^[=+\-@]/;

/**
 * Free text people typed (names, user agents) made safe for an export: control characters
 * escaped, and a leading formula character defused with an apostrophe, as OWASP advises.
 */
export function exportText(text: string): string {
  const escaped = escapeControlCharacters(text);
  return formulaStart.test(escaped) ? `'${escaped}` : escaped;
}
