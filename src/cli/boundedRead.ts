/**
 * Reads `diagnose --error-file` input with bounds that hold for any path: at
 * most `maxBytes` are kept (a regular file is read only that far), a pipe or
 * FIFO is read until it ends, the limit is reached or `waitMs` pass, and a
 * device is refused, so `/dev/zero` or a FIFO without a writer never hangs or grows.
 */
import { constants, open as openCallback } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';

/** What was read, or one clear sentence on why not. */
export type BoundedRead = { text: string; truncated: boolean; timedOut: boolean } | { error: string };

/** Reads up to `maxBytes` of a path (or standard input for `-`) within `waitMs` for pipes. */
export async function readBounded(path: string, maxBytes: number, waitMs: number, stdin: Readable = process.stdin): Promise<BoundedRead> {
  if (path === '-') return readStream(stdin, maxBytes, waitMs, () => undefined);
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    return { error: `cannot read "${path}": ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  if (info.isDirectory()) return { error: `"${path}" is a directory, not a file` };
  if (info.isCharacterDevice() || info.isBlockDevice()) {
    return { error: `"${path}" is a device, not a file: give a regular file, a pipe, or - for standard input` };
  }
  if (info.isFIFO()) return readFifo(path, maxBytes, waitMs);
  if (!info.isFile()) return { error: `"${path}" is not a regular file or a pipe` };
  return readFile(path, maxBytes);
}

async function readFile(path: string, maxBytes: number): Promise<BoundedRead> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    return { error: `cannot read "${path}": ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  try {
    // One buffer of the bound, filled until EOF or full (a /proc file reports size 0, a log may grow).
    const buffer = Buffer.allocUnsafe(maxBytes + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { text: buffer.subarray(0, Math.min(filled, maxBytes)).toString('utf8'), truncated: filled > maxBytes, timedOut: false };
  } catch (e) {
    return { error: `cannot read "${path}": ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  } finally {
    await handle.close();
  }
}

function readFifo(path: string, maxBytes: number, waitMs: number): Promise<BoundedRead> {
  // Opened non-blocking: a blocking open of a FIFO waits for a writer forever (in the thread pool).
  return new Promise((resolve) => {
    openCallback(path, constants.O_RDONLY | constants.O_NONBLOCK, (err, fd) => {
      if (err) {
        resolve({ error: `cannot read "${path}": ${err.code ?? String(err)}` });
        return;
      }
      const socket = new Socket({ fd, readable: true, writable: false });
      resolve(readStream(socket, maxBytes, waitMs, () => socket.destroy()));
    });
  });
}

function readStream(input: Readable, maxBytes: number, waitMs: number, close: () => void): Promise<BoundedRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let done = false;
    const finish = (truncated: boolean, timedOut: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      input.removeListener('data', onData);
      input.pause();
      close();
      resolve({ text: Buffer.concat(chunks).toString('utf8'), truncated, timedOut });
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const room = maxBytes - kept;
      chunks.push(bytes.length > room ? bytes.subarray(0, room) : bytes);
      kept += Math.min(room, bytes.length);
      if (bytes.length >= room) finish(true, false);
    };
    const timer = setTimeout(() => finish(false, true), waitMs);
    input.on('data', onData);
    input.once('end', () => finish(false, false));
    input.once('error', () => finish(false, false));
  });
}
