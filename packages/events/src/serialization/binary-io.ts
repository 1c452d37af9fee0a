/**
 * Byte-level reading and writing for the binary format: unsigned LEB128 varints, little-endian
 * numbers and length-prefixed strings. Every read is bounds-checked, so truncated or lying
 * input becomes a decode failure, never an out-of-range read or a huge allocation.
 */
import { CodecFailure } from './failure.js';

interface WellFormedString {
  isWellFormed(): boolean;
}

// One scratch buffer reused by serializations (made lazily), so a small event costs one
// exact-size copy instead of a growing allocation. A serialization started while another is
// running (from a getter in the data, say) gets its own buffer instead.
const SCRATCH_BYTES = 64 * 1024;
let scratch: Buffer | undefined;
// Strings shorter than this (in characters, or bytes when read) take the ASCII fast paths.
const SHORT_STRING = 64;
let scratchInUse = false;

/**
 * Runs `write` against a {@link ByteWriter} and returns an exact-size copy of the bytes.
 * Fails with `too_large` as soon as more than `maxBytes` would be written.
 */
export function writeBytes(maxBytes: number, write: (writer: ByteWriter) => void): Uint8Array {
  const owns = !scratchInUse;
  const buffer = owns ? (scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES)) : Buffer.allocUnsafe(256);
  scratchInUse ||= owns;
  const writer = new ByteWriter(maxBytes, buffer);
  try {
    write(writer);
    if (writer.length > maxBytes) {
      throw new CodecFailure('too_large', `at most ${maxBytes} bytes`, { maxBytes });
    }
    return writer.copy();
  } finally {
    if (owns) {
      // Keep a grown buffer for next time, unless it grew very large.
      if (writer.buffer.length <= 16 * SCRATCH_BYTES) scratch = writer.buffer;
      scratchInUse = false;
    }
  }
}

/** Writes into a buffer, growing it (up to `maxBytes`) when needed. */
export class ByteWriter {
  #buffer: Buffer;
  #view: DataView;
  #position = 0;

  constructor(
    readonly maxBytes: number,
    buffer: Buffer,
  ) {
    this.#buffer = buffer;
    this.#view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  /** The buffer written into (it may have been replaced by a larger one). */
  get buffer(): Buffer {
    return this.#buffer;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#position;
  }

  #reserve(count: number): number {
    const at = this.#position;
    const needed = at + count;
    if (needed > this.#buffer.length) this.#grow(needed);
    this.#position = needed;
    return at;
  }

  #grow(needed: number): void {
    if (needed > this.maxBytes) {
      throw new CodecFailure('too_large', `at most ${this.maxBytes} bytes`, {
        maxBytes: this.maxBytes,
      });
    }
    const next = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
    this.#buffer.copy(next, 0, 0, this.#position);
    this.#buffer = next;
    this.#view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  /** One byte. */
  u8(value: number): void {
    const at = this.#reserve(1);
    this.#buffer[at] = value;
  }

  /** A non-negative integer up to 2^53, as an unsigned LEB128 varint. */
  varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.u8((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.u8(rest);
  }

  /** A 32-bit signed integer, little-endian. */
  i32(value: number): void {
    const at = this.#reserve(4);
    this.#view.setInt32(at, value, true);
  }

  /** A 64-bit float, little-endian. */
  f64(value: number): void {
    const at = this.#reserve(8);
    this.#view.setFloat64(at, value, true);
  }

  /** Raw bytes. */
  bytes(bytes: Uint8Array): void {
    const at = this.#reserve(bytes.length);
    this.#buffer.set(bytes, at);
  }

  /**
   * A string: a varint header (byte length × 2, plus 1 for UTF-16) then the bytes. Well-formed
   * text goes as UTF-8; text with lone surrogates goes as UTF-16LE so it survives exactly.
   */
  string(value: string): void {
    if (value.length < SHORT_STRING && this.#ascii(value)) return;
    if ((value as unknown as WellFormedString).isWellFormed()) {
      const byteLength = Buffer.byteLength(value, 'utf8');
      this.varint(byteLength * 2);
      const at = this.#reserve(byteLength);
      this.#buffer.write(value, at, byteLength, 'utf8');
    } else {
      const byteLength = value.length * 2;
      this.varint(byteLength * 2 + 1);
      const at = this.#reserve(byteLength);
      this.#buffer.write(value, at, byteLength, 'utf16le');
    }
  }

  /**
   * Writes a short ASCII string (keys, enum values, ids) byte by byte: cheaper than the native
   * UTF-8 encoder's call for a few bytes. Returns false, having written nothing, for any other.
   */
  #ascii(value: string): boolean {
    const length = value.length;
    // The header (length × 2) fits one varint byte, as length < SHORT_STRING = 64.
    const at = this.#reserve(length + 1);
    const buffer = this.#buffer;
    for (let index = 0; index < length; index++) {
      const code = value.charCodeAt(index);
      if (code >= 0x80) {
        this.#position = at;
        return false;
      }
      buffer[at + 1 + index] = code;
    }
    buffer[at] = length * 2;
    return true;
  }

  /** An exact-size copy of what was written. */
  copy(): Uint8Array {
    const out = Buffer.allocUnsafe(this.#position);
    this.#buffer.copy(out, 0, 0, this.#position);
    return out;
  }
}

// Recently decoded short ASCII strings, by a hash of their bytes (see ByteReader.#shortUtf8).
const STRING_CACHE_SIZE = 4096;
const stringCache: (string | undefined)[] = new Array<string | undefined>(STRING_CACHE_SIZE);

/** True when `text` is exactly the ASCII bytes `buffer[start..end)`. */
function sameAscii(text: string, buffer: Buffer, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let index = start; index < end; index++) {
    if (text.charCodeAt(index - start) !== buffer[index]) return false;
  }
  return true;
}

/** Reads from a byte range, failing cleanly on anything out of bounds or malformed. */
export class ByteReader {
  readonly #buffer: Buffer;
  readonly #view: DataView;
  #position: number;

  constructor(bytes: Uint8Array, start = 0) {
    this.#buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#position = start;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.#buffer.length - this.#position;
  }

  #take(count: number): number {
    const at = this.#position;
    if (count > this.#buffer.length - at) {
      throw new CodecFailure('decode', 'truncated input');
    }
    this.#position = at + count;
    return at;
  }

  /** One byte. */
  u8(): number {
    return this.#buffer[this.#take(1)]!;
  }

  /** An unsigned LEB128 varint of at most 8 bytes (values below 2^53). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let index = 0; index < 8; index++) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) break;
        return value;
      }
      scale *= 0x80;
    }
    throw new CodecFailure('decode', 'malformed varint');
  }

  /** A count of items that each take at least one byte: never more than the bytes left. */
  count(): number {
    const count = this.varint();
    if (count > this.remaining) throw new CodecFailure('decode', 'count exceeds the input');
    return count;
  }

  /** A 32-bit signed integer, little-endian. */
  i32(): number {
    return this.#view.getInt32(this.#take(4), true);
  }

  /** A 64-bit float, little-endian. */
  f64(): number {
    return this.#view.getFloat64(this.#take(8), true);
  }

  /** `count` raw bytes, as a view (not a copy). */
  bytes(count: number): Uint8Array {
    const at = this.#take(count);
    return this.#buffer.subarray(at, at + count);
  }

  /**
   * Decodes a few UTF-8 bytes: in JS when all are ASCII (no native call), natively otherwise.
   * ASCII strings are looked up in a small cache first: keys and enum values repeat, and
   * handing back the same string spares building it and V8 interning it again as a key.
   */
  #shortUtf8(start: number, end: number): string {
    const buffer = this.#buffer;
    let hash = end - start;
    for (let index = start; index < end; index++) {
      const code = buffer[index]!;
      if (code >= 0x80) return buffer.toString('utf8', start, end);
      hash = (Math.imul(hash, 31) + code) | 0;
    }
    const slot = hash & (STRING_CACHE_SIZE - 1);
    const cached = stringCache[slot];
    if (cached !== undefined && sameAscii(cached, buffer, start, end)) return cached;
    let text = '';
    for (let index = start; index < end; index++) text += String.fromCharCode(buffer[index]!);
    stringCache[slot] = text;
    return text;
  }

  /** A string written by {@link ByteWriter.string}. */
  string(): string {
    const header = this.varint();
    const byteLength = Math.floor(header / 2);
    const at = this.#take(byteLength);
    if (header % 2 === 0) {
      return byteLength < SHORT_STRING
        ? this.#shortUtf8(at, at + byteLength)
        : this.#buffer.toString('utf8', at, at + byteLength);
    }
    if (byteLength % 2 !== 0) throw new CodecFailure('decode', 'odd UTF-16 byte length');
    return this.#buffer.toString('utf16le', at, at + byteLength);
  }
}
