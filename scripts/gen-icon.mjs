// Draws images/icon.png (128x128): an envelope with a padlock on a rounded blue tile.
// No dependencies: shapes are point-in-shape tests, 4x4 supersampled, written as a PNG with zlib.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SS = 4;

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
const BG_TOP = hex('#2b6cb0');
const BG_BOTTOM = hex('#1a365d');
const PAPER = hex('#f7fafc');
const FOLD = hex('#cbd5e0');
const LOCK = hex('#38a169');
const LOCK_DARK = hex('#22543d');

const roundRect = (x, y, x0, y0, x1, y1, r) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
/** Distance from (x, y) to the segment (ax, ay)-(bx, by). */
const segDist = (x, y, ax, ay, bx, by) => {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
};

/** The colour at a point, or undefined for transparent. */
function colourAt(x, y) {
  if (!roundRect(x, y, 4, 4, 124, 124, 22)) return undefined;
  let c = BG_TOP.map((v, i) => v + ((BG_BOTTOM[i] - v) * (y - 4)) / 120);
  // Envelope body with its flap drawn as a V.
  if (roundRect(x, y, 18, 32, 100, 90, 6)) {
    c = PAPER;
    if (segDist(x, y, 21, 35, 59, 64) <= 3 || segDist(x, y, 97, 35, 59, 64) <= 3) c = FOLD;
  }
  // Padlock: shackle (a ring's upper half) and body.
  const sx = 92, sy = 82, rOut = 14, rIn = 8;
  const d = Math.hypot(x - sx, y - sy);
  if (y <= sy + 2 && d <= rOut && d >= rIn) c = LOCK_DARK;
  if ((x >= sx - rOut && x <= sx - rIn || x >= sx + rIn && x <= sx + rOut) && y > sy && y < sy + 8) c = LOCK_DARK;
  if (roundRect(x, y, 72, 88, 112, 118, 5)) {
    c = LOCK;
    if (Math.hypot(x - 92, y - 100) <= 4 || (x >= 90 && x <= 94 && y >= 100 && y <= 110)) c = LOCK_DARK;
  }
  return c;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let i = 0; i < SS; i++) {
      for (let j = 0; j < SS; j++) {
        const c = colourAt(px + (i + 0.5) / SS, py + (j + 0.5) / SS);
        if (c) { r += c[0]; g += c[1]; b += c[2]; a++; }
      }
    }
    const o = py * (SIZE * 4 + 1) + 1 + px * 4;
    if (a) { raw[o] = Math.round(r / a); raw[o + 1] = Math.round(g / a); raw[o + 2] = Math.round(b / a); }
    raw[o + 3] = Math.round((255 * a) / (SS * SS));
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0); ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../images/icon.png', import.meta.url), png);
console.log(`images/icon.png: ${SIZE}x${SIZE}, ${png.length} bytes`);
