import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { isProcessAlive } from './process-identity.js';
import { writeFileAtomic } from './state-dir.js';

/** What a running foreground endpoint records in `<stateDir>/server.json`. */
export interface RunningServer {
  endpoint: string;
  pid: number;
  region: string;
  startedAt: string;
  /** What the starter chose to record, e.g. the build that started it; strings only. */
  meta?: Record<string, string>;
}

export const SERVER_FILE = 'server.json';
const PROBE_TIMEOUT_MS = 1000;

export async function writeServerInfo(stateDir: string, info: RunningServer): Promise<void> {
  await writeFileAtomic(join(stateDir, SERVER_FILE), `${JSON.stringify(info, null, 2)}\n`);
}

/** Removes the record only if it is still ours, never a successor's. */
export async function removeServerInfo(stateDir: string, pid: number): Promise<void> {
  const current = await readServerInfo(stateDir);
  if (current?.pid === pid) await rm(join(stateDir, SERVER_FILE), { force: true });
}

/**
 * The endpoint serving `stateDir`, if one runs: its record exists, its pid is alive and
 * the endpoint answers as that pid. A record left by a crashed server yields undefined.
 */
export async function findRunningServer(stateDir: string): Promise<RunningServer | undefined> {
  const info = await readServerInfo(stateDir);
  if (!info || !isProcessAlive(info.pid)) return undefined;
  return (await probe(info.endpoint)) === info.pid ? info : undefined;
}

export async function readServerInfo(stateDir: string): Promise<RunningServer | undefined> {
  try {
    // Read synchronously: a few hundred bytes that every command reads first.
    const parsed = JSON.parse(readFileSync(join(stateDir, SERVER_FILE), 'utf8')) as Record<
      string,
      unknown
    >;
    const { endpoint, pid, region, startedAt, meta } = parsed;
    if (
      typeof endpoint === 'string' &&
      typeof pid === 'number' &&
      typeof region === 'string' &&
      typeof startedAt === 'string'
    ) {
      const info: RunningServer = { endpoint, pid, region, startedAt };
      const strings = stringRecord(meta);
      if (strings) info.meta = strings;
      return info;
    }
  } catch {
    // Missing or unreadable means no server is recorded.
  }
  return undefined;
}

/** `value` if it is a plain object of strings (a record written by any version), else undefined. */
function stringRecord(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (!entries.every(([, v]) => typeof v === 'string')) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The pid the endpoint reports on its liveness probe, or undefined if it does not answer. */
function probe(endpoint: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      resolve(undefined);
      return;
    }
    const req = request(url, { method: 'GET', timeout: PROBE_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => resolve(undefined));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { pid?: unknown };
          resolve(res.statusCode === 200 && typeof body.pid === 'number' ? body.pid : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
