/** A one-line progress bar on stderr, shown only on a terminal (and never with --json). */

/** Something that reports progress as a fraction 0–1. */
export interface ProgressBar {
  update(fraction: number, label?: string): void;
  done(): void;
}

const silent: ProgressBar = { update() {}, done() {} };

/** A progress bar for `label`; silent unless stderr is a TTY and `enabled`. */
export function progressBar(label: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!enabled || !stream.isTTY) return silent;
  const start = Date.now();
  let last = -1;
  let lastDraw = 0;
  const width = 30;
  const draw = (f: number, text: string) => {
    const filled = Math.round(f * width);
    const secs = (Date.now() - start) / 1000;
    const eta = f > 0.02 && f < 1 ? ` eta ${Math.max(0, (secs / f) * (1 - f)).toFixed(0)}s` : '';
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${secs.toFixed(1)}s${eta} ${text}`.padEnd(90).slice(0, 110));
  };
  return {
    update(fraction, text = '') {
      const f = Math.max(0, Math.min(1, fraction));
      const now = Date.now();
      if (Math.round(f * 100) === last && now - lastDraw < 500) return;
      last = Math.round(f * 100);
      lastDraw = now;
      draw(f, text);
    },
    done() {
      draw(1, '');
      stream.write('\n');
    },
  };
}
