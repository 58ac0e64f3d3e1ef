/**
 * A one-line progress bar on stderr (cli-progress), shown only on a terminal and never with
 * --json: the share of the run done, the time so far, and what is happening now, with a long
 * solve's own estimate of the time left (`solving: dual simplex, 14,620 iterations, about 25 s left`).
 */
import { SingleBar } from 'cli-progress';

/** Something that reports progress as a fraction 0–1. */
export interface ProgressBar {
  update(fraction: number, label?: string): void;
  done(): void;
}

const silent: ProgressBar = { update() {}, done() {} };

/** A progress bar for `label`; silent unless `stream` is a TTY and `enabled`. */
export function progressBar(label: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!enabled || !stream.isTTY) return silent;
  // what is left of the line after the label, the bar, the percentage and the time
  const room = Math.max(20, (stream.columns ?? 100) - label.length - 24 - 16);
  const bar = new SingleBar({
    stream,
    // no rate-based ETA: a run's stages move at different rates; a solve states its own time left
    format: `${label} [{bar}] {percentage}% {duration_formatted} {phase}`,
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 20,
    fps: 4,
    formatValue: (v, _o, type) => (type === 'percentage' ? String(v).padStart(3) : String(v)),
  });
  bar.start(1000, 0, { phase: '' });
  let last = 0;
  return {
    update(fraction, text = '') {
      // never backwards; the phase text may change at any time
      const v = Math.max(last, Math.round(Math.max(0, Math.min(1, fraction)) * 1000));
      last = v;
      bar.update(v, { phase: text.length > room ? `${text.slice(0, room - 1)}…` : text });
    },
    done() {
      bar.update(1000, { phase: '' });
      bar.stop();
    },
  };
}
