/** Little-endian reads over a byte array with bounds checks, for the unpickler (offsets in `pos`). */

export class UnpicklingError extends Error {
  override name = 'UnpicklingError';
}

export class ByteReader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The reads as plain functions (the unpickler's opcode switch calls them a lot). */
  ops() {
    const bytes = this.bytes;
    const view = this.view;
    const latin1 = new TextDecoder('latin1');
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the closures below share one position
    const self = this;
      const need = (n: number) => {
        if (self.pos + n > bytes.length) throw new UnpicklingError(`truncated pickle at byte ${self.pos}`);
      };
      const u8 = () => {
        need(1);
        return bytes[self.pos++]!;
      };
      const u16 = () => {
        need(2);
        const v = view.getUint16(self.pos, true);
        self.pos += 2;
        return v;
      };
      const u32 = () => {
        need(4);
        const v = view.getUint32(self.pos, true);
        self.pos += 4;
        return v;
      };
      const i32 = () => {
        need(4);
        const v = view.getInt32(self.pos, true);
        self.pos += 4;
        return v;
      };
      const u64 = () => {
        need(8);
        const v = view.getBigUint64(self.pos, true);
        self.pos += 8;
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new UnpicklingError('length too large');
        return Number(v);
      };
      const take = (n: number) => {
        need(n);
        const out = bytes.subarray(self.pos, self.pos + n);
        self.pos += n;
        return out;
      };
      const line = () => {
        const end = bytes.indexOf(0x0a, self.pos);
        if (end < 0) throw new UnpicklingError('unterminated line');
        const s = latin1.decode(bytes.subarray(self.pos, end));
        self.pos = end + 1;
        return s;
      };
    return { need, u8, u16, u32, i32, u64, take, line };
  }
}
