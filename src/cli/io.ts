/** Where command output goes: replaceable, so tests run commands in-process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Standard output and standard error. */
export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};
