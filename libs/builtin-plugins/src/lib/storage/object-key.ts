import { clip } from '../common/utf8-boundary';

/** Letters, digits, ".", "_", "-" and "/", starting with a letter or digit: no spaces, no control characters. */
export const OBJECT_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,1023}$/;
export const MAX_KEY_CHARS = 1024;

/**
 * Why `key` may not name an object, or undefined when it may. The same rules hold for every store kind,
 * so a key that works on a board's directory also works in a bucket, and no key ever leaves a directory
 * store's root lexically (the jail still checks symlinks).
 */
export function objectKeyRefusal(key: string): string | undefined {
  const shown = JSON.stringify(clip(key, 100));
  if (key.startsWith('/')) return `key ${shown} starts with "/"; keys are relative, e.g. photos/2024/cat.jpg`;
  if (!OBJECT_KEY_PATTERN.test(key)) {
    return `key ${shown} is refused: keys are 1 to ${MAX_KEY_CHARS} letters, digits, ".", "_", "-" and "/", starting with a letter or digit`;
  }
  if (key.endsWith('/')) return `key ${shown} ends with "/"; that names a folder, not an object`;
  if (key.includes('//')) return `key ${shown} has an empty segment ("//")`;
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) return `key ${shown} has a "." or ".." segment; give the plain key`;
  return undefined;
}

/**
 * Why `value` may not be a list prefix or start-after key. These are only compared with keys (or sent to
 * S3 as query parameters), never opened, so any text will do except control characters; a bucket may
 * hold keys, written by others, that break the object key rules.
 */
export function keyBoundRefusal(field: 'prefix' | 'startAfter', value: string): string | undefined {
  return /\p{Cc}/u.test(value) ? `${field} ${JSON.stringify(clip(value, 100))} holds control characters` : undefined;
}
