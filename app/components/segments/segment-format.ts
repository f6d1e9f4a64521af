/** How the admin pages print figures: grouped numbers, two decimals for money, UTC days. */
export const formatCount = (value: number) => value.toLocaleString("en-US");

export function formatAmount(amount: string): string {
  const value = Number(amount);
  return Number.isFinite(value)
    ? value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    : amount;
}

export const formatHundredths = (hundredths: number) => (hundredths / 100).toFixed(2);
export const formatBasisPoints = (basisPoints: number) => `${(basisPoints / 100).toFixed(1)} %`;
export const formatDay = (iso: string | null, never = "—") => (iso === null ? never : iso.slice(0, 10));
export const formatMinute = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
