import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Hints and help send users to README sections and repository folders by name; each must exist as written.
const ROOT = new URL('../../', import.meta.url).pathname;
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const headings = new Set([...README.matchAll(/^#{1,4} (.+)$/gm)].map((m) => m[1]!.trim()));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

describe('references from the code to the README', () => {
  it('every "see <section> in the README" names a real heading', () => {
    const named = sources(join(ROOT, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/see "([^"]+)" in the README/g)].map((m) => ({ file, section: m[1]! })),
    );
    expect(named.length).toBeGreaterThan(0);
    for (const { file, section } of named) expect(headings.has(section), `${file}: "${section}"`).toBe(true);
  });

  it('help examples replay folders that hold events of the type they filter on', () => {
    for (const file of sources(join(ROOT, 'src/commands'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/replay (fixtures\/[\w/.-]+) .*--events '([\w]+)\.\*'/g)) {
        const names = readdirSync(join(ROOT, m[1]!));
        expect(names.some((n) => n.startsWith(`${m[2]}.`)), `${file}: ${m[1]} has no ${m[2]}.* events`).toBe(true);
      }
    }
  });
});
