// Readable text on a colour someone chose (a tag's): WCAG 2 contrast, AA for normal text (4.5:1).

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Relative luminance of a `#rrggbb` colour (anything else counts as mid grey). */
export function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return 0.18;
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((part) => channel(parseInt(part, 16)));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const INK = "#1f2933";

/** White where it reads (≥ 4.5:1), else the page's ink, else black (which always reaches 4.5:1 where white does not). */
export function textOn(background: string): string {
  if (contrast("#ffffff", background) >= 4.5) return "#ffffff";
  if (contrast(INK, background) >= 4.5) return INK;
  return "#000000";
}

/** The inline style of a chip painted in `color` (a tag). */
export function chipStyle(color: string): string {
  return `background:${color};color:${textOn(color)}`;
}
