#!/usr/bin/env node
// Draws the app icon (a scope ring with cross hairs over a rounded square) and writes
// build/icon.png (512×512), build/icon.ico (256 PNG entry) and build/icon.icns (512 and 256
// PNG entries), with nothing but node:zlib. Run: node build/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++)
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Shapes in a unit square; returns [r, g, b, a] or null for each sample point.
const BACKGROUND = [24, 32, 52];
const RING = [86, 204, 242];
const ACCENT = [255, 186, 73];
function sample(x, y) {
  const r = 0.18;
  const dx = Math.max(Math.abs(x - 0.5) - (0.5 - r - 0.04), 0);
  const dy = Math.max(Math.abs(y - 0.5) - (0.5 - r - 0.04), 0);
  if (Math.hypot(dx, dy) > r) return null;
  const d = Math.hypot(x - 0.5, y - 0.5);
  if (d < 0.07) return ACCENT;
  if (Math.abs(d - 0.27) < 0.035) return RING;
  const onCross = (Math.abs(x - 0.5) < 0.018 || Math.abs(y - 0.5) < 0.018) && d > 0.12 && d < 0.4;
  return onCross ? RING : BACKGROUND;
}
function draw(size) {
  const n = 4; // supersampling per axis
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const colour = sample((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (colour === null) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return png(size, out);
}

const png512 = draw(512);
const png256 = draw(256);
writeFileSync(join(here, 'icon.png'), png512);

// ICO: one 256×256 entry stored as PNG (width/height 0 mean 256).
const icoHeader = Buffer.alloc(22);
icoHeader.writeUInt16LE(0, 0);
icoHeader.writeUInt16LE(1, 2);
icoHeader.writeUInt16LE(1, 4);
icoHeader.writeUInt8(0, 6);
icoHeader.writeUInt8(0, 7);
icoHeader.writeUInt16LE(1, 10);
icoHeader.writeUInt16LE(32, 12);
icoHeader.writeUInt32LE(png256.length, 14);
icoHeader.writeUInt32LE(22, 18);
writeFileSync(join(here, 'icon.ico'), Buffer.concat([icoHeader, png256]));

// ICNS: ic09 (512×512 PNG) and ic08 (256×256 PNG).
const entry = (type, data) => {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'ascii');
  head.writeUInt32BE(data.length + 8, 4);
  return Buffer.concat([head, data]);
};
const body = Buffer.concat([entry('ic09', png512), entry('ic08', png256)]);
const icnsHeader = Buffer.alloc(8);
icnsHeader.write('icns', 0, 'ascii');
icnsHeader.writeUInt32BE(body.length + 8, 4);
writeFileSync(join(here, 'icon.icns'), Buffer.concat([icnsHeader, body]));
console.log('wrote build/icon.png, build/icon.ico, build/icon.icns');
