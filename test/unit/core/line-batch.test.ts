import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LineBatch } from '../../../src/core/line-batch.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('LineBatch', () => {
  it('writes the lines of one turn of the event loop in one write, in order', async () => {
    const writes: string[] = [];
    const batch = new LineBatch((text) => writes.push(text));
    batch.push('a');
    batch.push('b');
    batch.push('c');
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual(['a\nb\nc']);
    batch.push('d');
    batch.flush();
    expect(writes).toEqual(['a\nb\nc', 'd']);
    await turn();
    expect(writes).toHaveLength(2);
    batch.close();
  });

  it('writes what is pending at close, then every later line at once, and leaves no exit listener behind', () => {
    const writes: string[] = [];
    const listeners = process.listenerCount('exit');
    const batch = new LineBatch((text) => writes.push(text));
    expect(process.listenerCount('exit')).toBe(listeners + 1);
    batch.push('a');
    batch.close();
    expect(writes).toEqual(['a']);
    batch.push('late');
    expect(writes).toEqual(['a', 'late']);
    expect(process.listenerCount('exit')).toBe(listeners);
  });

  // A second Ctrl-C ends the process with process.exit while lines may still be waiting for their turn.
  it('writes pending lines when the process exits through process.exit', () => {
    const built = fileURLToPath(new URL('../../../dist/core/line-batch.js', import.meta.url));
    expect(existsSync(built), 'run npm run build first').toBe(true);
    const script = `import { LineBatch } from ${JSON.stringify(built)};
      const batch = new LineBatch((text) => process.stdout.write(text + '\\n'));
      batch.push('one'); batch.push('two'); process.exit(130);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(130);
    expect(r.stdout).toBe('one\ntwo\n');
  });
});
