/** Exact decimal money arithmetic on strings, in ten-thousandths, so sums never drift as floats do. */
const SCALE = 10_000n;

export function toUnits(amount: string): bigint {
  const match = /^(-)?(\d+)(?:\.(\d{1,4}))?$/.exec(amount.trim());
  if (!match) throw new Error(`Not a money amount: ${JSON.stringify(amount)}`);
  const fraction = (match[3] ?? "").padEnd(4, "0");
  const units = BigInt(match[2]!) * SCALE + BigInt(fraction);
  return match[1] ? -units : units;
}

export function fromUnits(units: bigint, decimals = 2): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const divisor = 10n ** BigInt(4 - decimals);
  // Round half away from zero at the requested precision.
  const rounded = (abs + divisor / 2n) / divisor;
  const base = 10n ** BigInt(decimals);
  const whole = rounded / base;
  const fraction = decimals > 0 ? `.${(rounded % base).toString().padStart(decimals, "0")}` : "";
  return `${negative && rounded !== 0n ? "-" : ""}${whole}${fraction}`;
}

export function addMoney(...amounts: string[]): string {
  return fromUnits(amounts.reduce((sum, amount) => sum + toUnits(amount), 0n));
}

export function subtractMoney(a: string, b: string): string {
  return fromUnits(toUnits(a) - toUnits(b));
}

export function multiplyMoney(amount: string, factor: number): string {
  return fromUnits((toUnits(amount) * BigInt(Math.round(factor * 10_000))) / SCALE);
}
