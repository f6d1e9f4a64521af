/** A segment's size over the last days, drawn as a small line (an image with a spoken summary). */
export function SizeSparkline({ sizes, label }: { sizes: number[]; label: string }) {
  const width = 96;
  const height = 24;
  if (sizes.length < 2) return <span aria-hidden="true">—</span>;
  const min = Math.min(...sizes);
  const max = Math.max(...sizes);
  const span = max - min || 1;
  const points = sizes
    .map((size, index) => {
      const x = (index / (sizes.length - 1)) * (width - 2) + 1;
      const y = height - 1 - ((size - min) / span) * (height - 2);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
  return (
    <svg role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
      <polyline
        points={points}
        fill="none"
        stroke="var(--p-color-text-emphasis, #005bd3)"
        strokeWidth="1.5"
        strokeLinejoin="round"
      />
    </svg>
  );
}
