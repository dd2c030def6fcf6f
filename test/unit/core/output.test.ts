import { beforeAll, describe, expect, it } from 'vitest';
import { colorLevel, Output } from '../../../src/core/output.js';
import { createStyle, preloadColor } from '../../../src/core/style.js';
import { fakeRuntime } from '../../support/fake-runtime.js';

const ESC = '\u001b[';

beforeAll(preloadColor);

describe('colorLevel', () => {
  it('is on for a terminal and off when piped', () => {
    expect(colorLevel({}, true)).toBeGreaterThan(0);
    expect(colorLevel({}, false)).toBe(0);
  });
  it('is off for NO_COLOR, --no-color and TERM=dumb', () => {
    expect(colorLevel({ NO_COLOR: '1' }, true)).toBe(0);
    expect(colorLevel({}, true, false)).toBe(0);
    expect(colorLevel({ TERM: 'dumb' }, true)).toBe(0);
  });
  it('is forced on by FORCE_COLOR even when piped, and --no-color still wins', () => {
    expect(colorLevel({ FORCE_COLOR: '1' }, false)).toBe(1);
    expect(colorLevel({ FORCE_COLOR: '3', NO_COLOR: '1' }, false)).toBe(3);
    expect(colorLevel({ FORCE_COLOR: '0' }, true)).toBe(0);
    expect(colorLevel({ FORCE_COLOR: '1' }, true, false)).toBe(0);
  });
});

describe('Output', () => {
  it('puts data on stdout and diagnostics on stderr', () => {
    const rt = fakeRuntime();
    const out = new Output(rt);
    out.line('data');
    out.jsonLine({ a: 1 });
    out.info('progress');
    out.warn('careful');
    out.debug('hidden');
    expect(rt.stdout.text).toBe('data\n{"a":1}\n');
    expect(rt.stderr.text).toBe('progress\nwarning: careful\n');
  });

  it('--quiet silences info but not warnings; --verbose shows debug', () => {
    const rt = fakeRuntime();
    new Output(rt, { quiet: true }).info('progress');
    new Output(rt, { quiet: true }).warn('careful');
    new Output(rt, { verbose: true }).debug('detail');
    expect(rt.stderr.text).toBe('warning: careful\ndetail\n');
  });

  it('prints tables as tab-separated lines without a header when piped', () => {
    const rt = fakeRuntime();
    new Output(rt).table(['SEQ', 'BODY'], [['1', 'a\tb'], ['22', 'c']]);
    expect(rt.stdout.text).toBe('1\ta b\n22\tc\n');
  });

  it('aligns tables under a header on a terminal', () => {
    const rt = fakeRuntime({ tty: true, env: { NO_COLOR: '1' } });
    new Output(rt).table(['SEQ', 'BODY'], [['1', 'x'], ['22', 'y']]);
    expect(rt.stdout.text).toBe('SEQ  BODY\n1    x\n22   y\n');
  });

  it('colours only where allowed', () => {
    const tty = fakeRuntime({ tty: true });
    expect(new Output(tty).color.red('x')).toContain(ESC);
    expect(new Output(fakeRuntime()).color.red('x')).toBe('x');
    expect(new Output(fakeRuntime({ tty: true, env: { NO_COLOR: '1' } })).errColor.red('x')).toBe('x');
  });

  it('gives a spinner that writes nothing unless stderr is a terminal outside CI and --json', async () => {
    for (const [rt, flags] of [
      [fakeRuntime(), {}],
      [fakeRuntime({ tty: true, env: { CI: 'true' } }), {}],
      [fakeRuntime({ tty: true }), { json: true }],
      // A pty nobody sized: ora would redraw forever.
      [fakeRuntime({ tty: true, columns: 0 }), {}],
    ] as const) {
      const spinner = new Output(rt, flags).spinner('working');
      spinner.text('still working');
      spinner.succeed('done');
      await new Promise((r) => setTimeout(r, 50));
      expect(rt.stderr.text).toBe('');
    }
  });
});

describe('createStyle', () => {
  it('leaves text alone at level 0, through chained styles, joining arguments as chalk does', () => {
    const plain = createStyle(0);
    expect(plain.bold.red('a', 'b')).toBe('a b');
    expect(plain.dim(`x${plain.green('y')}`)).toBe('xy');
    expect(plain.level).toBe(0);
  });
  it('styles with chalk at a positive level', () => {
    expect(createStyle(1).red('x')).toBe(`${ESC}31mx${ESC}39m`);
  });
});
