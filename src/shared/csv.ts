// Spreadsheet programs execute cells that start with these as formulas (CSV injection).
const formulaStart = /^[=+\-@\t\r]/;
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * One CSV field per RFC 4180, neutralised for spreadsheets: control characters removed,
 * a leading formula character prefixed with an apostrophe, quoted when it must be.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  text = text.replace(controlCharacters, '');
  if (formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV record with CRLF line ending, as RFC 4180 specifies. */
export function csvRow(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
