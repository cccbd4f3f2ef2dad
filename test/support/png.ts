// Test support: decode an 8-bit, non-interlaced PNG (what Chromium's
// screenshots are) into pixels with Node's zlib, to check that a screenshot
// is not blank without an image library.
import { inflateSync } from 'node:zlib';

/** A decoded image: RGBA bytes, row by row. */
export class PNG {
  private constructor(readonly width: number, readonly height: number, readonly rgba: Uint8Array) {}

  /** Decode PNG bytes (colour types 2 RGB and 6 RGBA, bit depth 8, no interlace). */
  static decode(bytes: Uint8Array): PNG {
    const buf = Buffer.from(bytes);
    if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
    let at = 8;
    let width = 0;
    let height = 0;
    let channels = 0;
    const idat: Buffer[] = [];
    while (at < buf.length) {
      const len = buf.readUInt32BE(at);
      const type = buf.toString('latin1', at + 4, at + 8);
      const data = buf.subarray(at + 8, at + 8 + len);
      if (type === 'IHDR') {
        width = data.readUInt32BE(0);
        height = data.readUInt32BE(4);
        const [depth, colour, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
        if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
        channels = colour === 6 ? 4 : 3;
      } else if (type === 'IDAT') idat.push(data);
      else if (type === 'IEND') break;
      at += 12 + len;
    }
    const raw = inflateSync(Buffer.concat(idat));
    const stride = width * channels;
    const px = new Uint8Array(height * stride);
    for (let y = 0; y < height; y++) {
      const filter = raw[y * (stride + 1)];
      const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
      for (let x = 0; x < stride; x++) {
        const a = x >= channels ? px[y * stride + x - channels] : 0;
        const b = y > 0 ? px[(y - 1) * stride + x] : 0;
        const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels] : 0;
        let v = row[x];
        if (filter === 1) v += a;
        else if (filter === 2) v += b;
        else if (filter === 3) v += (a + b) >> 1;
        else if (filter === 4) {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
        px[y * stride + x] = v & 0xff;
      }
    }
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      rgba.set(px.subarray(i * channels, i * channels + 3), i * 4);
      rgba[i * 4 + 3] = channels === 4 ? px[i * channels + 3] : 255;
    }
    return new PNG(width, height, rgba);
  }

  /** Share of pixels that are not (near) white. */
  nonWhiteFraction(): number {
    let n = 0;
    for (let i = 0; i < this.rgba.length; i += 4) if (this.rgba[i] < 240 || this.rgba[i + 1] < 240 || this.rgba[i + 2] < 240) n++;
    return n / (this.width * this.height);
  }

  /** Number of distinct colours, quantized to 32 levels per channel. */
  distinctColours(): number {
    const seen = new Set<number>();
    for (let i = 0; i < this.rgba.length; i += 4) seen.add(((this.rgba[i] >> 3) << 10) | ((this.rgba[i + 1] >> 3) << 5) | (this.rgba[i + 2] >> 3));
    return seen.size;
  }
}
