/**
 * A byte buffer that CSV rows are formatted into directly: numbers are written digit by
 * digit, so a row costs no intermediate strings. Formatting a fleet-year ledger (tens of
 * millions of cells) this way is several times faster than string concatenation, whose
 * garbage dominates at that size.
 */

const COMMA = 44, NEWLINE = 10, MINUS = 45, DOT = 46, ZERO = 48;

/** Rows of CSV text accumulated as UTF-8 bytes, taken out as strings chunk by chunk. */
export class CsvBuffer {
  private buf: Buffer;
  private pos = 0;
  private readonly digits = new Uint8Array(24);

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written since the last `take`. */
  get length(): number {
    return this.pos;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Appends pre-encoded bytes (e.g. a site id or timestamp encoded once). */
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Appends a comma. */
  comma(): void {
    this.reserve(1);
    this.buf[this.pos++] = COMMA;
  }

  /** Appends a line break. */
  newline(): void {
    this.reserve(1);
    this.buf[this.pos++] = NEWLINE;
  }

  /**
   * Appends `x` rounded (half away from zero) to `decimals` (0–6) with no exponent and no trailing zeros; "0" for
   * values that round to zero (never "-0"); nothing for NaN or ±∞ (an empty cell).
   */
  number(x: number, decimals: number): void {
    if (!Number.isFinite(x)) return;
    const scale = POW10[decimals]!;
    // round half away from zero so that -x prints as "-" + x
    let n = x < 0 ? -Math.round(-x * scale) : Math.round(x * scale);
    if (!(Math.abs(n) <= Number.MAX_SAFE_INTEGER)) {
      // too large for exact integer digits: let the runtime print it (still without exponent)
      this.bytes(Buffer.from(x.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: decimals }), 'latin1'));
      return;
    }
    this.reserve(24);
    const b = this.buf;
    if (n === 0) {
      b[this.pos++] = ZERO;
      return;
    }
    if (n < 0) {
      b[this.pos++] = MINUS;
      n = -n;
    }
    let ip = Math.floor(n / scale);
    let fp = n - ip * scale;
    // integer part, most significant digit first
    if (ip === 0) b[this.pos++] = ZERO;
    else {
      let k = 0;
      while (ip > 0) {
        const q = Math.floor(ip / 10);
        this.digits[k++] = ip - q * 10;
        ip = q;
      }
      while (k > 0) b[this.pos++] = ZERO + this.digits[--k]!;
    }
    if (fp === 0) return;
    // fraction: drop trailing zeros, then write the remaining digits left-padded to width
    let width = decimals;
    while (fp % 10 === 0) {
      fp /= 10;
      width--;
    }
    b[this.pos++] = DOT;
    const end = this.pos + width;
    for (let i = end - 1; i >= this.pos; i--) {
      const q = Math.floor(fp / 10);
      b[i] = ZERO + (fp - q * 10);
      fp = q;
    }
    this.pos = end;
  }

  /** Returns the text written so far and empties the buffer. */
  take(): string {
    const s = this.buf.toString('utf8', 0, this.pos);
    this.pos = 0;
    return s;
  }
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];

/** UTF-8 bytes of a string, for values written many times (site ids, timestamps). */
export function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}
