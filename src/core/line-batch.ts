/**
 * Lines gathered and written together once per turn of the event loop, not one write per line: replay prints a
 * line per fixture, thousands a second, and a write each (a system call on a pipe or a terminal) took a sixth of
 * its time. What is gathered is written at the latest when the process exits, even through process.exit (a second
 * Ctrl-C), since writes to pipes, files and terminals are synchronous there on Linux and macOS.
 */
export class LineBatch {
  private pending = '';
  private scheduled = false;
  private closed = false;

  /** `write` gets several lines at once, the last without its newline (as Output.line takes one). */
  constructor(private readonly write: (text: string) => void) {
    process.on('exit', this.flush);
  }

  push(line: string): void {
    if (this.closed) return this.write(line);
    this.pending = this.pending === '' ? line : `${this.pending}\n${line}`;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Writes what is pending now (before a line on stderr that must come after it, say). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.write(text);
  };

  /** Writes what is pending; later lines are written at once. */
  close(): void {
    this.flush();
    this.closed = true;
    process.off('exit', this.flush);
  }
}
