import { KmsError } from './errors.js';
import { type Body, optionalInteger, optionalString } from './validation.js';

const MARKER_PREFIX = 'kms-demo:';

/**
 * Limit/Marker paging over items in a stable order of `sortKey`. The marker is the
 * opaque encoding of the last returned item's sort key, so a page stays correct even
 * when items before it are added or removed.
 */
export function paginate<T>(
  body: Body,
  items: readonly T[],
  sortKey: (item: T) => string,
  limits: { max: number; default: number },
): { page: T[]; NextMarker?: string; Truncated: boolean } {
  const limit = optionalInteger(body, 'Limit', 1, limits.max) ?? limits.default;
  const marker = optionalString(body, 'Marker', { min: 1, max: 1024 });
  const after = marker === undefined ? undefined : decodeMarker(marker);
  const sorted = [...items].sort((a, b) => compare(sortKey(a), sortKey(b)));
  const remaining =
    after === undefined ? sorted : sorted.filter((item) => compare(sortKey(item), after) > 0);
  const page = remaining.slice(0, limit);
  const last = page[page.length - 1];
  if (remaining.length > limit && last !== undefined) {
    return { page, NextMarker: encodeMarker(sortKey(last)), Truncated: true };
  }
  return { page, Truncated: false };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeMarker(key: string): string {
  return Buffer.from(MARKER_PREFIX + key, 'utf8').toString('base64url');
}

function decodeMarker(marker: string): string {
  const text = Buffer.from(marker, 'base64url').toString('utf8');
  if (!text.startsWith(MARKER_PREFIX)) {
    throw new KmsError('InvalidMarkerException', 'The marker is not one this service returned.');
  }
  return text.slice(MARKER_PREFIX.length);
}
