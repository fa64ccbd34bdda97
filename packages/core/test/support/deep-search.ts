/**
 * Where, if anywhere, `needle` occurs inside `root`: every own property (enumerable or
 * not, so `cause`, `$metadata` and `$response` too), strings as text and base64, byte
 * arrays as bytes. What a CLI printing a cause chain with util.inspect could show.
 */
export function findBytes(root: unknown, needle: Uint8Array): string | undefined {
  const needleBuffer = Buffer.from(needle);
  const texts = [needleBuffer.toString('utf8'), needleBuffer.toString('base64')];
  const seen = new Set<unknown>();
  const visit = (value: unknown, path: string, depth: number): string | undefined => {
    if (typeof value === 'string') return texts.some((t) => value.includes(t)) ? path : undefined;
    if (value instanceof Uint8Array) {
      const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      return bytes.includes(needleBuffer) ? path : undefined;
    }
    if (value === null || typeof value !== 'object' || seen.has(value) || depth > 12) return;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      const child = descriptor && 'value' in descriptor ? descriptor.value : undefined;
      const found = visit(child, `${path}.${String(key)}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return visit(root, 'error', 0);
}
