/**
 * How many steps of work the next transaction takes so that each stays near `targetMs`: on SQLite a write
 * transaction holds the one write lock, and webhook acknowledgements wait behind it. Doubles while transactions
 * come out under half the target, halves when one runs over, never below one step nor above `maxSteps`.
 */
export function nextStepCount(current: number, elapsedMs: number, targetMs: number, maxSteps: number): number {
  if (elapsedMs > targetMs) return Math.max(1, Math.floor(current / 2));
  if (elapsedMs < targetMs / 2) return Math.min(maxSteps, current * 2);
  return current;
}
