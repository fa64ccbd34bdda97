import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../src/config.js';

interface ConfigDeclaration {
  type: string;
  description?: string;
  default?: unknown;
  items?: { type: string };
}

interface ProjectFile {
  name: string;
  main: string;
  runtime: { name: string; options: Record<string, unknown> };
  config: Record<string, ConfigDeclaration>;
}

const projectFile = load(
  readFileSync(new URL('../Pulumi.yaml', import.meta.url), 'utf8'),
) as ProjectFile;
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

function schemaType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'number' ? 'integer' : typeof value;
}

describe('Pulumi.yaml', () => {
  it('names the project kms-demo, the stack name the CLI and docs use', () => {
    expect(projectFile.name).toBe('kms-demo');
  });

  it('runs the compiled ES module with plain Node, not ts-node', () => {
    expect(projectFile.runtime.name).toBe('nodejs');
    expect(projectFile.runtime.options.typescript).toBe(false);
    expect(projectFile.main).toBe('dist/index.js');
    expect(packageJson.main).toBe(projectFile.main);
    expect(packageJson.type).toBe('module');
  });

  it('documents exactly the config keys the program reads', () => {
    expect(Object.keys(projectFile.config).sort()).toEqual(Object.keys(CONFIG_DEFAULTS).sort());
  });

  it.each(Object.entries(CONFIG_DEFAULTS))(
    'declares %s with a description and the default the program uses',
    (key, value) => {
      const declaration = projectFile.config[key];
      expect(declaration?.description?.length ?? 0).toBeGreaterThan(20);
      expect(declaration?.type).toBe(schemaType(value));
      expect(declaration?.default).toEqual(value);
      if (declaration?.type === 'array') expect(declaration.items).toEqual({ type: 'string' });
    },
  );
});
