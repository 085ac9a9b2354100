/**
 * A progress bar on standard error, drawn only when it is a terminal (logs and pipes get
 * the final summary lines instead). Redraws at most ten times a second.
 */
export class ProgressBar {
  private last = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly label: string) {}

  /** Reports `done` of `total` units (bytes, rows); total 0 means unknown. */
  update(done: number, total: number): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const width = 30;
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(share * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    process.stderr.write(`\r${this.label} [${bar}] ${(share * 100).toFixed(0).padStart(3)}%`);
  }

  /** Clears the bar's line. */
  done(): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
  }
}
