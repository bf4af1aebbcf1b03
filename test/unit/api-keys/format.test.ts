import { describe, expect, it } from 'vitest';
import { displayPrefix, hashApiKey, isWellFormedKey, keyPrefix, newApiKey } from '../../../src/api-keys/format.js';

describe('API key format', () => {
  it('is a readable prefix, 256 random bits in base62, and a checksum', () => {
    const key = newApiKey();
    expect(key.startsWith(keyPrefix)).toBe(true);
    expect(key).toHaveLength(keyPrefix.length + 43 + 6);
    expect(43 * Math.log2(62)).toBeGreaterThanOrEqual(256);
    expect(isWellFormedKey(key)).toBe(true);
  });

  it('is different every time', () => {
    const keys = new Set(Array.from({ length: 1000 }, newApiKey));
    expect(keys.size).toBe(1000);
  });

  it('refuses any single-character typo through the checksum, without a lookup', () => {
    const key = newApiKey();
    let refused = 0;
    for (let i = keyPrefix.length; i < key.length; i++) {
      const replacement = key[i] === 'a' ? 'b' : 'a';
      if (!isWellFormedKey(key.slice(0, i) + replacement + key.slice(i + 1))) refused++;
    }
    expect(refused).toBe(key.length - keyPrefix.length);
    expect(isWellFormedKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedKey('gh_mk_' + 'x'.repeat(49))).toBe(false);
  });

  it('shows only a short prefix and stores only a hash', () => {
    const key = newApiKey();
    expect(displayPrefix(key)).toHaveLength(keyPrefix.length + 6);
    expect(hashApiKey(key)).toHaveLength(32);
    expect(hashApiKey(key).toString('hex')).not.toContain(key);
  });
});
