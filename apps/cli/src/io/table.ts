/** Left-aligned columns separated by two spaces, the way `gh` and `kubectl` print lists. */
export function formatTable(headers: string[], rows: string[][]): string[] {
  // Widths in code points, so an id such as `zoë` does not skew its column.
  const width = (text: string) => Array.from(text).length;
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (c: string, w: number) => c + ' '.repeat(Math.max(0, w - width(c)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}
