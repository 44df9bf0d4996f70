import { KeyPathError, assertKeyPath, keyPathViolation } from '../src';

describe('keyPathViolation', () => {
  it('accepts the plain absolute .pem paths Adobe sends', () => {
    expect(keyPathViolation('/prod/keys/pub-key-3fVj0Lv0QB.pem')).toBeUndefined();
    expect(keyPathViolation('/a.pem')).toBeUndefined();
  });

  it.each([
    [undefined, 'not_a_string'],
    ['', 'not_a_string'],
    [`/${'a'.repeat(600)}.pem`, 'too_long'],
    ['https://evil.example/key.pem', 'no_scheme'],
    ['javascript:alert(1).pem', 'no_scheme'],
    ['/keys/key.pem?x=1', 'no_query_or_fragment'],
    ['/keys/key.pem#x', 'no_query_or_fragment'],
    ['keys/key.pem', 'must_start_with_slash'],
    ['//evil.example/key.pem', 'no_empty_segments'],
    ['/keys//key.pem', 'no_empty_segments'],
    ['/keys/../secret.pem', 'no_dot_segments'],
    ['/keys/./key.pem', 'no_dot_segments'],
    ['/keys/%2e%2e/key.pem', 'plain_characters_only'],
    ['/keys\\key.pem', 'plain_characters_only'],
    ['/keys/@evil/key.pem', 'plain_characters_only'],
    ['/keys/key.txt', 'must_end_with_pem'],
    ['/keys/.pem', 'must_end_with_pem'],
  ])('refuses %p with rule %s', (path, rule) => {
    expect(keyPathViolation(path)).toBe(rule);
    expect(() => assertKeyPath(path)).toThrow(KeyPathError);
    try {
      assertKeyPath(path);
    } catch (err) {
      expect(err).toMatchObject({ rule, field: 'keyPath' });
    }
  });
});
