import { describe, expect, it } from 'vitest';
import { compileCacheDir } from '../../src/compile-cache.js';
import { nodeNotice, SUPPORTED_NODE_MAJORS } from '../../src/node-support.js';

describe('nodeNotice', () => {
  it('says nothing on a supported Node line or a newer one', () => {
    for (const version of ['22.1.0', '22.23.5', 'v24.22.3', '26.12.1', '28.0.0']) {
      expect(nodeNotice(version)).toBeUndefined();
    }
  });

  it('is one line naming the version and the supported lines on Node 20 and older', () => {
    for (const version of ['20.20.2', 'v20.19.0', '18.20.0']) {
      const notice = nodeNotice(version);
      expect(notice).toMatch(/^kms-demo: note: Node v\d+\.\d+\.\d+ is past its end of life/);
      expect(notice).toContain(`Node ${SUPPORTED_NODE_MAJORS.join(', ')}`);
      expect(notice).not.toContain('\n');
    }
  });
});

describe('compileCacheDir', () => {
  it('is in the user cache dir: $XDG_CACHE_HOME, else ~/.cache', () => {
    expect(compileCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/kms-demo/compile-cache');
    expect(compileCacheDir({ HOME: '/h' })).toBe('/h/.cache/kms-demo/compile-cache');
  });

  it('is none without an absolute home (never a relative or shared directory)', () => {
    expect(compileCacheDir({})).toBeUndefined();
    expect(compileCacheDir({ HOME: 'relative' })).toBeUndefined();
    expect(compileCacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/h' })).toBe(
      '/h/.cache/kms-demo/compile-cache',
    );
  });
});
