import { PNG } from 'pngjs';

/**
 * draftpilot's logo, drawn at any size (the package needs 320x320 and 128x128): a rounded square in
 * the brand blue with a white speech bubble and a check mark. Drawn, not stored, so the package never
 * carries a stale or mis-sized image.
 */
const BLUE = [31, 95, 191];
const WHITE = [255, 255, 255];

function inRoundedRect(x: number, y: number, x0: number, y0: number, x1: number, y1: number, r: number): boolean {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Distance from (x, y) to the segment (ax, ay)-(bx, by). */
function toSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

export function drawLogo(size: number): Buffer {
  const png = new PNG({ width: size, height: size });
  const s = (f: number) => f * size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      let color: number[] | undefined;
      if (inRoundedRect(x, y, 0, 0, size - 1, size - 1, s(0.18))) color = BLUE;
      const bubble = inRoundedRect(x, y, s(0.18), s(0.2), s(0.82), s(0.68), s(0.1));
      const tail = y >= s(0.66) && y <= s(0.82) && x >= s(0.3) && x <= s(0.3) + (s(0.82) - y) * 0.9;
      if (color && (bubble || tail)) color = WHITE;
      const check = Math.min(toSegment(x, y, s(0.34), s(0.44), s(0.46), s(0.56)), toSegment(x, y, s(0.46), s(0.56), s(0.68), s(0.32)));
      if (color === WHITE && check <= s(0.045)) color = BLUE;
      png.data[i] = color?.[0] ?? 0;
      png.data[i + 1] = color?.[1] ?? 0;
      png.data[i + 2] = color?.[2] ?? 0;
      png.data[i + 3] = color ? 255 : 0;
    }
  }
  return PNG.sync.write(png);
}
