/** Where command output goes, and what stops a running command: replaceable, so tests run commands in-process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Aborted when the user interrupts the command (Ctrl-C); the use case then stops with a CancelledError. */
  signal?: AbortSignal;
}

/** Standard output and standard error. */
export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};
