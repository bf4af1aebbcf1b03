import type { AddressInfo } from 'node:net';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a server on the embedded store tells the CLI through its data directory: where it
 * answers on this machine and the public URL its links are built from. A CLI command run
 * beside it does its work through that address; one run later builds links from the same
 * public URL, never from a default guessed in its own environment.
 */
export interface ServerRecord {
  pid: number;
  /** A loopback address of the listening socket. */
  url: string;
  publicUrl: string;
  startedAt: string;
}

const recordFile = (dataDir: string) => join(dataDir, 'server.json');

/** A URL this machine can reach the socket at (a wildcard address becomes loopback). */
export function loopbackUrl(address: AddressInfo): string {
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export function writeServerRecord(dataDir: string, record: ServerRecord): void {
  const path = recordFile(dataDir);
  const temporary = `${path}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  renameSync(temporary, path);
}

export function readServerRecord(dataDir: string): ServerRecord | null {
  try {
    const value = JSON.parse(readFileSync(recordFile(dataDir), 'utf8')) as Partial<ServerRecord>;
    return typeof value.pid === 'number' && typeof value.url === 'string' && typeof value.publicUrl === 'string'
      ? (value as ServerRecord)
      : null;
  } catch {
    return null;
  }
}
