import { useEffect, useState } from "react";

/**
 * False on the server and in the first browser render, true once hydrated: Polaris Viz charts measure the page and
 * read `navigator` (absent from Node 20), so they are drawn in the browser only, in a box of their final size.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
