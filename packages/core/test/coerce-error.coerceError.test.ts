import { coerceError } from '../src';

describe('coerceError', () => {
  it('returns an Error as it is', () => {
    const err = new TypeError('bad');
    expect(coerceError(err)).toBe(err);
  });

  it.each([
    ['a string', 'boom', 'boom'],
    ['a number', 42, '42'],
    ['an object', { code: 'E1' }, '{"code":"E1"}'],
    ['undefined', undefined, 'undefined'],
  ])('wraps %s, keeping it as the cause', (_what, value, message) => {
    const err = coerceError(value);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe(message);
    expect(err.cause).toBe(value);
  });

  it('wraps a value that cannot be serialized', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(coerceError(cyclic).message).toBe('[object Object]');
  });
});
