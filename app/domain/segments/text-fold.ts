/**
 * Case-insensitive matching (tags, addresses, purchase keys) folds ASCII letters only: SQLite's LOWER knows no
 * other letters, so the reference and both databases agree by folding the same 26 letters ('VIP' = 'vip', 'É' ≠ 'é').
 */
export function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

export function equalsIgnoringAsciiCase(a: string, b: string): boolean {
  return foldAscii(a) === foldAscii(b);
}
