/**
 * A `data:` URL for an SVG document, for an `<img>`: the browser renders it as an image, so scripts or links inside
 * it never run (unlike inserting the markup into the page).
 *
 * @example
 * <img src={svgDataUrl(qrSvg)} alt="QR code" />
 */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
