/** The ConfigHost for Node: reads only regular files, within a size limit. */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { ConfigHost, ReadResult } from '../core/host';

/** Larger files are refused rather than read (a configuration is never this big). */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export function nodeHost(): ConfigHost {
  return {
    readFile(path: string): ReadResult {
      let fd: number | undefined;
      try {
        // Opened without blocking (a FIFO put in its place cannot hang the reader), then
        // checked on the open file itself, and read within the limit whatever size it claims
        // (files under /proc say 0 and go on for gigabytes).
        fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
        const st = fstatSync(fd);
        if (st.isDirectory()) return { kind: 'error', message: 'is a directory', notRegular: 'directory' };
        if (!st.isFile()) return { kind: 'error', message: 'not a regular file', notRegular: 'special' };
        if (st.size > MAX_FILE_BYTES) return { kind: 'error', message: `larger than ${MAX_FILE_BYTES} bytes` };
        const bytes = readStreamBounded(fd, false);
        if (!bytes) return { kind: 'error', message: `larger than ${MAX_FILE_BYTES} bytes` };
        return { kind: 'file', text: bytes.toString('utf8') };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
        if (code === 'EISDIR') return { kind: 'error', message: 'is a directory', notRegular: 'directory' };
        // A file that would block (/proc/kmsg) behaves like a pipe: not read here.
        if (code === 'EAGAIN') return { kind: 'error', message: 'would block', notRegular: 'special' };
        return { kind: 'error', message: code === 'EACCES' ? 'permission denied' : (e as Error).message };
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
    exists(path: string): boolean {
      try {
        statSync(path);
        return true;
      } catch {
        return false;
      }
    },
    isDirectory(path: string): boolean {
      try {
        return statSync(path).isDirectory();
      } catch {
        return false;
      }
    },
    fileId(path: string): string | undefined {
      try {
        const st = statSync(path);
        return `${st.dev}:${st.ino}`;
      } catch {
        return undefined;
      }
    },
    listDirectory(path: string): string[] | undefined {
      try {
        return readdirSync(path);
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Reads an open stream (standard input, a pipe, a device the user named) to its end, or
 * returns undefined once it passes MAX_FILE_BYTES (so /dev/zero ends too). Without
 * `waitForData`, a stream with nothing to read yet throws EAGAIN instead of being waited on.
 */
export function readStreamBounded(fd: number, waitForData = true): Buffer | undefined {
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EOF') break;
      if (code === 'EAGAIN') {
        // A file opened to read what it has (not standard input) must not be waited on.
        if (!waitForData) throw e;
        // A non-blocking pipe with nothing in it yet: wait a little, then read again.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      throw e;
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_FILE_BYTES) return undefined;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}
