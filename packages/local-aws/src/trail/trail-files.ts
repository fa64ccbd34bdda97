import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The trail's directory in the state dir, and its file names: `trail-000001.jsonl`, … */
export const TRAIL_DIR = 'cloudtrail';
const FILE_PATTERN = /^trail-(\d{6,})\.jsonl$/;

export function trailFilePath(dir: string, generation: number): string {
  return join(dir, `trail-${String(generation).padStart(6, '0')}.jsonl`);
}

/** The generations present, oldest first. Files are never renamed: rotation starts a new one. */
export async function listGenerations(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names
    .map((name) => FILE_PATTERN.exec(name)?.[1])
    .filter((g): g is string => g !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}
