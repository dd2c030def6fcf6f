import type { ChalkInstance } from 'chalk';

export type Style = ChalkInstance;

let chalk: typeof import('chalk') | undefined;

/**
 * Loads chalk once, before any output is styled. Called only when some stream may be coloured (a terminal, or
 * FORCE_COLOR): piped and CI runs, and start-up benchmarks, then never pay for chalk and its tty probing.
 */
export async function preloadColor(): Promise<void> {
  chalk ??= await import('chalk');
}

/** Styles that leave text as it is: chalk's chainable shape (`c.bold.red(x)`), without chalk. */
const plain: Style = new Proxy(((...text: unknown[]) => text.join(' ')) as unknown as Style, {
  get: (_target, property) => (property === 'level' ? 0 : plain),
  apply: (_target, _this, text: unknown[]) => text.join(' '),
});

/** Styles for the given colour level; plain text at level 0, or when chalk was not preloaded. */
export function createStyle(level: 0 | 1 | 2 | 3): Style {
  return level > 0 && chalk ? new chalk.Chalk({ level }) : plain;
}
