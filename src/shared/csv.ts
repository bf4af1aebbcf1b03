import { exportText } from './text.js';

/**
 * One CSV field per RFC 4180, neutralised for spreadsheets and line-based tools: control
 * characters escaped (a CR or LF never splits a record, whatever a row holds), a leading
 * formula character prefixed with an apostrophe, quoted when it must be.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const raw = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  const text = exportText(raw);
  return /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV record with CRLF line ending, as RFC 4180 specifies. */
export function csvRow(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
