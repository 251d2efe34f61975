"use client";

import { CatalogProblem } from "@/components/catalog/CatalogProblem";
import { ProductCard } from "@/components/catalog/ProductCard";
import { useCatalog } from "@/components/catalog/useCatalog";
import { QueryView } from "@/components/QueryView";

export default function CatalogPage() {
  const catalog = useCatalog();
  return (
    <>
      <h1 className="mb-6 text-2xl font-bold">Catalog</h1>
      <QueryView
        query={catalog}
        what="products"
        isEmpty={(d) => d.items.length === 0}
        empty="The catalog is empty."
        failed={(error, retry) => <CatalogProblem error={error} read="products" onRetry={retry} />}
      >
        {({ items }) => (
          <ul aria-label="Products" className="grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
            {items.map((product) => (
              <ProductCard key={product.sku} product={product} />
            ))}
          </ul>
        )}
      </QueryView>
    </>
  );
}
