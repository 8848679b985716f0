import { keyBoundRefusal, objectKeyRefusal } from './object-key';

describe('objectKeyRefusal', () => {
  it.each(['a', 'notes.txt', 'reports/2024/06.csv', 'A-b_c.d/e', 'a/..b/c..', `k${'x'.repeat(1023)}`])('accepts %p', (key) => {
    expect(objectKeyRefusal(key)).toBeUndefined();
  });

  it.each([
    ['a leading "/"', '/etc/passwd', 'starts with "/"'],
    ['a parent segment', '../secret', 'is refused: keys are 1 to 1024'],
    ['a parent segment inside', 'a/../../b', 'has a "." or ".." segment'],
    ['a dot segment', 'a/./b', 'has a "." or ".." segment'],
    ['a trailing ".."', 'a/..', 'has a "." or ".." segment'],
    ['an empty segment', 'a//b', 'has an empty segment'],
    ['a trailing "/"', 'a/b/', 'ends with "/"'],
    ['a hidden name at the top', '.env', 'starting with a letter or digit'],
    ['a space', 'my file.txt', 'is refused'],
    ['a NUL byte', 'a\u0000b', 'is refused'],
    ['a newline', 'a\nb', 'is refused'],
    ['a backslash', 'a\\..\\b', 'is refused'],
    ['a tilde (temp files hold one)', 'a/.pimcp~1.tmp', 'is refused'],
    ['non-ASCII letters', 'café', 'is refused'],
    ['more than 1024 characters', `k${'x'.repeat(1024)}`, 'is refused'],
    ['an empty key', '', 'is refused'],
  ])('refuses %s', (_label, key, message) => {
    expect(objectKeyRefusal(key)).toContain(message);
  });
});

describe('keyBoundRefusal', () => {
  it('accepts any text without control characters, since bounds are only compared', () => {
    expect(keyBoundRefusal('prefix', '')).toBeUndefined();
    expect(keyBoundRefusal('prefix', 'folder with spaces/')).toBeUndefined();
    expect(keyBoundRefusal('startAfter', '../x')).toBeUndefined();
  });

  it('refuses control characters', () => {
    expect(keyBoundRefusal('startAfter', 'a\u0001')).toBe('startAfter "a\\u0001" holds control characters');
  });
});
