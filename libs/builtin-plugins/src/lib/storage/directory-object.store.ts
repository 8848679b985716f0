import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { lstat, open, readdir, realpath, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ToolError } from '@pimcp/plugin-sdk';
import { collectAtMost } from './bounded-read';
import { DirectoryJail } from './directory-jail';
import { objectKeyRefusal } from './object-key';
import { type ListRequest, type ObjectListing, type ObjectStore, objectTooLarge as tooLarge, type StoredObject } from './object-store';
import type { DirectoryStoreEntry } from './storage.config';

type ListedObject = ObjectListing['objects'][number];

/**
 * Objects as files under one directory of the board: the key is the relative path. Writes go to a temp
 * file in the same folder, are fsynced and renamed over the target, so a reader never sees half an
 * object. Temp names hold "~", which no key can, so they are never listed or addressed.
 */
export class DirectoryObjectStore implements ObjectStore {
  private readonly jail: DirectoryJail;

  constructor(private readonly store: DirectoryStoreEntry) {
    this.jail = new DirectoryJail(store.root, store.name);
  }

  async get(key: string, maxBytes: number, signal: AbortSignal): Promise<StoredObject> {
    const opened = await this.jail.openObject(key);
    if (!opened) throw new ToolError(`no object "${key}" in store "${this.store.name}"`);
    try {
      if (opened.size > maxBytes) throw tooLarge(this.store.name, key, maxBytes, opened.size);
      // end is inclusive: at most maxBytes + 1 bytes are read, enough to notice a file that grew.
      const data = await collectAtMost(opened.handle.createReadStream({ start: 0, end: maxBytes, autoClose: false }), maxBytes, signal);
      if (!data) throw tooLarge(this.store.name, key, maxBytes);
      return { data, lastModified: opened.mtime.toISOString() };
    } finally {
      await opened.handle.close();
    }
  }

  async put(key: string, data: Buffer, signal: AbortSignal): Promise<{ etag?: string }> {
    const folder = await this.jail.folderOf(key, true);
    if (folder === undefined) throw new ToolError(`the folder of "${key}" could not be created in store "${this.store.name}"`);
    const target = join(folder, basename(key));
    if ((await lstat(target).catch(() => undefined))?.isDirectory()) {
      throw new ToolError(`"${key}" is a folder in store "${this.store.name}"; an object cannot replace it`);
    }
    const temp = join(folder, `.pimcp~${randomBytes(8).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data, { signal });
      await handle.sync();
      await handle.close();
      // The folder may have been swapped for a symlink while the data was written: check before publishing.
      if (!this.jail.contains(await realpath(folder))) throw new ToolError(`the folder of "${key}" moved outside store "${this.store.name}" during the write; nothing was stored`);
      await rename(temp, target);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    await syncFolder(folder);
    return {};
  }

  async list(request: ListRequest, signal: AbortSignal): Promise<ObjectListing> {
    const objects: ListedObject[] = [];
    const truncated = await this.walk(this.store.root, '', request, objects, signal);
    return { objects, truncated };
  }

  async delete(key: string): Promise<{ existed: boolean }> {
    const folder = await this.jail.folderOf(key, false);
    if (folder === undefined) return { existed: false };
    const target = join(folder, basename(key));
    const info = await lstat(target).catch(() => undefined);
    if (!info) return { existed: false };
    if (info.isDirectory()) throw new ToolError(`"${key}" is a folder in store "${this.store.name}", not an object`);
    await unlink(target);
    await syncFolder(folder);
    // Folders exist only to hold objects: drop the ones this delete emptied (not through symlinks).
    if (folder === join(this.store.root, dirname(key))) await this.pruneEmptyFolders(folder);
    return { existed: true };
  }

  close(): void {
    // Nothing held between calls.
  }

  /**
   * Visits the tree in S3 key order: a folder sorts as its name plus "/", so "a-b" comes before the
   * objects under "a/". Subtrees entirely outside the prefix or at or before startAfter are skipped.
   * Returns true when one more object than maxKeys exists.
   */
  private async walk(folder: string, keyPrefix: string, request: ListRequest, out: ListedObject[], signal: AbortSignal): Promise<boolean> {
    signal.throwIfAborted();
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => [] as Dirent[]);
    const sorted = entries
      .map((entry) => ({ entry, key: keyPrefix + entry.name, order: keyPrefix + entry.name + (entry.isDirectory() ? '/' : '') }))
      .filter(({ key }) => objectKeyRefusal(key) === undefined)
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    const { prefix, startAfter, maxKeys } = request;
    for (const { entry, key, order } of sorted) {
      if (entry.isDirectory()) {
        if (!order.startsWith(prefix) && !prefix.startsWith(order)) continue;
        if (!startAfter.startsWith(order) && order < startAfter) continue;
        if (await this.walk(join(folder, entry.name), order, request, out, signal)) return true;
        continue;
      }
      if (!key.startsWith(prefix) || key <= startAfter) continue;
      const object = await this.listed(join(folder, entry.name), key, entry);
      if (!object) continue;
      if (out.length === maxKeys) return true;
      out.push(object);
    }
    return false;
  }

  /** A regular file, or a symlink to one inside the root; anything else is not an object. */
  private async listed(path: string, key: string, entry: Dirent): Promise<ListedObject | undefined> {
    try {
      let info = await lstat(path);
      if (entry.isSymbolicLink()) {
        const real = await realpath(path);
        if (!this.jail.contains(real)) return undefined;
        info = await stat(real);
      }
      return info.isFile() ? { key, size: info.size, lastModified: info.mtime.toISOString() } : undefined;
    } catch {
      return undefined; // gone, or a dangling symlink
    }
  }

  private async pruneEmptyFolders(folder: string): Promise<void> {
    for (let current = folder; current !== this.store.root && this.jail.contains(current); current = dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (or already gone): stop climbing
      }
    }
  }
}

/** Makes a rename or unlink durable: the folder's own entry list must reach the disk too. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
