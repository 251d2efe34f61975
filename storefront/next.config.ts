import path from "node:path";
import type { NextConfig } from "next";

// Static export: S3 + CloudFront on AWS, the local gateway at / on this machine. Every page is a
// folder with an index.html (trailingSlash), so any static host serves it without rewrites;
// ids travel in the query string, never in the path.
const config: NextConfig = {
  output: "export",
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  // The repository, not this folder: src/api/limits.ts imports ../docs/openapi.json, and Turbopack
  // resolves nothing outside its root.
  turbopack: { root: path.join(import.meta.dirname, "..") },
  // scripts/deploy names the build after its commit, so exporting the same commit again gives
  // the same files and the upload skips them (Next.js would otherwise pick a random id, which
  // changes every page). Unset, Next.js chooses as usual.
  generateBuildId: async () => process.env.SHOP_BUILD_ID ?? null,
};

export default config;
