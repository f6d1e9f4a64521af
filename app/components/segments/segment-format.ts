/** How the admin pages print figures: grouped numbers, UTC days (money: app/domain/money-format.ts). */
export const formatCount = (value: number) => value.toLocaleString("en-US");

export const formatHundredths = (hundredths: number) => (hundredths / 100).toFixed(2);
export const formatBasisPoints = (basisPoints: number) => `${(basisPoints / 100).toFixed(1)} %`;
export const formatDay = (iso: string | null, never = "—") => (iso === null ? never : iso.slice(0, 10));
export const formatMinute = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
