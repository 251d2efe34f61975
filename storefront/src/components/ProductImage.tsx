"use client";

import { useState } from "react";
import type { Product } from "@/api/types";

/**
 * The product's picture (`image_url`, relative: the gateway locally, CloudFront on AWS), or a tile
 * drawn from its name when it has none, or when its image cannot be loaded.
 */
export function ProductImage({ product, className = "" }: { product: Pick<Product, "sku" | "name" | "image_url">; className?: string }) {
  const frame = `aspect-[4/3] w-full rounded-md object-cover ${className}`;
  const [failed, setFailed] = useState<string | null>(null);
  const url = product.image_url;
  if (url && failed !== url) {
    // A plain img: the export has no image optimiser, and images come from S3 as they are.
    // onError is the image failing to load, not a user's interaction.
    // eslint-disable-next-line @next/next/no-img-element, jsx-a11y/no-noninteractive-element-interactions
    return <img src={url} alt={product.name} className={`bg-stone-100 ${frame}`} loading="lazy" decoding="async" onError={() => setFailed(url)} />;
  }
  const hue = [...product.sku].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  const initials = product.name
    .split(/\s+/)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase())
    .join("");
  return (
    <svg role="img" aria-label={product.name} viewBox="0 0 160 120" className={frame}>
      <defs>
        <linearGradient id={`g-${product.sku}`} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor={`hsl(${hue} 45% 82%)`} />
          <stop offset="1" stopColor={`hsl(${(hue + 40) % 360} 40% 62%)`} />
        </linearGradient>
      </defs>
      <rect width="160" height="120" fill={`url(#g-${product.sku})`} />
      <circle cx="128" cy="24" r="40" fill="white" opacity="0.15" />
      <text x="80" y="72" textAnchor="middle" fontSize="40" fontWeight="600" fill={`hsl(${hue} 35% 22%)`} fontFamily="ui-sans-serif, system-ui">
        {initials}
      </text>
    </svg>
  );
}
