import { envFlag, type Runtime } from './runtime.js';
import { createSpinner, type Spinner } from './spinner.js';
import { createStyle, type Style } from './style.js';

/** Global output flags every command accepts. */
export interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  /** commander turns --no-color into color: false. */
  color?: boolean;
}

/** Whether colour is wanted on a stream: FORCE_COLOR wins, then NO_COLOR/--no-color, then the stream being a TTY. */
export function colorLevel(env: NodeJS.ProcessEnv, isTTY: boolean | undefined, flag?: boolean): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR;
  if (flag === false) return 0;
  if (force !== undefined && force !== '') {
    if (force === '0' || force === 'false') return 0;
    const n = Number(force);
    return n === 2 || n === 3 ? n : 1;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!isTTY || env.TERM === 'dumb') return 0;
  return 2;
}

/**
 * Everything a command prints goes through here: data on stdout, diagnostics on stderr,
 * JSON documents or NDJSON lines under --json, tables that become tab-separated lines when piped.
 */
export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** Styles for stdout text. */
  readonly color: Style;
  /** Styles for stderr text. */
  readonly errColor: Style;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;

  constructor(
    private readonly rt: Runtime,
    flags: OutputFlags = {},
  ) {
    this.json = flags.json === true;
    this.quiet = flags.quiet === true;
    this.verbose = flags.verbose === true && !this.quiet;
    this.stdoutIsTTY = rt.stdout.isTTY === true;
    this.stderrIsTTY = rt.stderr.isTTY === true;
    this.color = createStyle(colorLevel(rt.env, this.stdoutIsTTY, flags.color));
    this.errColor = createStyle(colorLevel(rt.env, this.stderrIsTTY, flags.color));
  }

  /** Terminal width for fitting previews; 100 when not a terminal. */
  get columns(): number {
    return this.rt.stdout.columns ?? 100;
  }

  /** A line of data on stdout (human mode). */
  line(text = ''): void {
    this.rt.stdout.write(text + '\n');
  }

  /** One JSON document or NDJSON record on stdout. */
  jsonLine(value: unknown): void {
    this.rt.stdout.write(JSON.stringify(value) + '\n');
  }

  /** Progress and notes on stderr, silenced by --quiet. */
  info(text: string): void {
    if (!this.quiet) this.rt.stderr.write(text + '\n');
  }

  /** Warnings on stderr; --quiet does not hide them. */
  warn(text: string): void {
    this.rt.stderr.write(this.errColor.yellow('warning: ') + text + '\n');
  }

  /** Detail for --verbose only, on stderr. */
  debug(text: string): void {
    if (this.verbose) this.rt.stderr.write(this.errColor.dim(text) + '\n');
  }

  /**
   * Rows of cells: aligned columns under a header on a terminal, tab-separated lines without a header when piped,
   * so that `cut -f` and `awk -F'\t'` work.
   */
  table(headers: string[], rows: string[][]): void {
    if (!this.stdoutIsTTY) {
      for (const row of rows) this.line(row.map((c) => c.replace(/[\t\n\r]/g, ' ')).join('\t'));
      return;
    }
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const fmt = (cells: string[]) =>
      cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
    this.line(this.color.bold(fmt(headers)));
    for (const row of rows) this.line(fmt(row));
  }

  /** A spinner on stderr, or a no-op unless stderr is a TTY and neither --json, --quiet nor CI is set. */
  spinner(text: string): Spinner {
    // A terminal that reports no width (a pty nobody sized) makes ora redraw forever, so it gets no spinner either.
    const sized = (this.rt.stderr.columns ?? 0) > 0;
    const enabled = this.stderrIsTTY && sized && !this.json && !this.quiet && !envFlag(this.rt.env, 'CI');
    return createSpinner(text, enabled ? this.rt.stderr : undefined);
  }
}
