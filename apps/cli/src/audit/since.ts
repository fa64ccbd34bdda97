import { usageError } from '../errors.js';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * The start of the audit window: a duration back from `now` (`30m`, `1h`, `7d`, `2w`) or
 * an ISO 8601 date or time (`2026-01-31`, `2026-01-31T12:00:00Z`).
 */
export function parseSince(value: string, now = Date.now()): Date {
  const duration = /^(\d+)([mhdw])$/.exec(value.trim());
  if (duration) {
    return new Date(now - Number(duration[1]) * (UNITS[duration[2] as string] as number));
  }
  const time = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())
    ? Date.parse(value.trim())
    : Number.NaN;
  if (Number.isNaN(time)) {
    throw usageError(
      `--since must be a duration such as 30m, 1h, 7d or 2w, or an ISO date such as 2026-01-31`,
    );
  }
  if (time > now) throw usageError('--since names a time in the future');
  return new Date(time);
}
