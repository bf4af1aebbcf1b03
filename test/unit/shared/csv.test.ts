import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from '../../../src/shared/csv.js';

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+1', "'+1+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
  ])('neutralises formula-looking %j', (input, output) => {
    expect(csvField(input)).toBe(output);
  });

  it('quotes commas, quotes and line breaks per RFC 4180 and strips control characters', () => {
    expect(csvField('Doe, "Jo"')).toBe('"Doe, ""Jo"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('ansi\u001b[31mred')).toBe('ansi[31mred');
    expect(csvRow(['a', null, 3])).toBe('a,,3\r\n');
  });
});
