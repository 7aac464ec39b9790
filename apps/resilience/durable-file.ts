/**
 * Crash-safe file writes for the embedded queue: a reader sees either no file
 * or the whole file, never a partial one, even after `kill -9` or power loss.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** fsyncs a directory, so a rename or unlink in it survives a crash. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `content` to `path` durably and atomically: to a temporary file in
 * `tmpDirectory` (same file system), fsync, rename over `path`, fsync the
 * target directory.
 */
export async function writeFileDurably(path: string, content: string, tmpDirectory: string): Promise<void> {
  const tmpPath = join(tmpDirectory, `${basename(path)}.${randomUUID()}.tmp`);
  const handle = await fs.open(tmpPath, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmpPath, path);
  await syncDirectory(dirname(path));
}

/** Renames `from` to `to`; false when `from` no longer exists (another process won the rename). */
export async function renameIfPresent(from: string, to: string): Promise<boolean> {
  try {
    await fs.rename(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
