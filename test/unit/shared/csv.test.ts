import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from '../../../src/shared/csv.js';

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+1', "'+1+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
  ])('neutralises formula-looking %j', (input, output) => {
    expect(csvField(input)).toBe(output);
  });

  it('quotes commas and quotes per RFC 4180', () => {
    expect(csvField('Doe, "Jo"')).toBe('"Doe, ""Jo"""');
    expect(csvRow(['a', null, 3])).toBe('a,,3\r\n');
  });

  it('writes every control character as a visible escape, so that no value splits a record', () => {
    expect(csvField('two\r\nlines')).toBe('two\\u000d\\u000alines');
    expect(csvField('ansi\u001b[31mred')).toBe('ansi\\u001b[31mred');
    expect(csvField('tab\there')).toBe('tab\\u0009here');
    expect(csvField('c1\u0085next\u2028line')).toBe('c1\\u0085next\\u2028line');
    expect(csvField('\tcmd')).toBe('\\u0009cmd');
    expect(csvField({ name: 'Eve\u0085' })).toBe('"{""name"":""Eve\\u0085""}"');
  });
});
