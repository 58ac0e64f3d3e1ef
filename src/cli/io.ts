/** Where command output goes, and what stops a running command: replaceable, so tests run commands in-process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Aborted when the user interrupts the command (Ctrl-C); the use case then stops with a CancelledError. */
  signal?: AbortSignal;
}

/** Streams whose reader has gone (`wattshift … | head -1`): later writes are dropped. */
const closed = new Set<NodeJS.WriteStream>();

function watch(stream: NodeJS.WriteStream): void {
  // Without a listener a closed pipe is an unhandled 'error' event: a stack trace and exit 1.
  // A reader that stops reading is no fault of ours: the run ends quietly.
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      closed.add(stream);
      return;
    }
    throw e;
  });
}
watch(process.stdout);
watch(process.stderr);

function write(stream: NodeJS.WriteStream, text: string): void {
  if (closed.has(stream) || stream.destroyed) return;
  stream.write(text);
}

/** Standard output and standard error; writes to a closed pipe are dropped. */
export const processIo: Io = {
  out: (t) => write(process.stdout, t),
  err: (t) => write(process.stderr, t),
};
