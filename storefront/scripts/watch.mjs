// Rebuilds the static export whenever the storefront's sources change, for `scripts/dev --watch`,
// and regenerates the API types when docs/openapi.json changes.
// `next build` replaces out/, so the runtime config (STOREFRONT_CONFIG) is copied back after each.
import { spawn } from "node:child_process";
import { copyFileSync, watch } from "node:fs";
import { createRequire } from "node:module";

const next = createRequire(import.meta.url).resolve("next/dist/bin/next");
const config = process.env.STOREFRONT_CONFIG;
let building = false;
let again = false;
let timer;

function build() {
  if (building) {
    again = true;
    return;
  }
  building = true;
  const started = Date.now();
  console.log("building the export…");
  spawn(process.execPath, [next, "build"], { stdio: "inherit" }).on("exit", (code) => {
    if (code === 0 && config) copyFileSync(config, "out/config.json");
    console.log(code === 0 ? `built in ${((Date.now() - started) / 1000).toFixed(1)} s` : `build failed (exit ${code})`);
    building = false;
    if (again) {
      again = false;
      build();
    }
  });
}

function buildSoon() {
  clearTimeout(timer);
  timer = setTimeout(build, 300);
}

for (const dir of ["src", "public"]) {
  try {
    watch(dir, { recursive: true }, buildSoon);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
}
let regenerating;
function regenerateSoon() {
  clearTimeout(regenerating);
  regenerating = setTimeout(() => {
    // Rewrites src/api/schema.d.ts, whose watch above then rebuilds.
    spawn("npm", ["run", "--silent", "generate:api"], { stdio: "inherit" }).on("exit", (code) => {
      if (code !== 0) console.log(`npm run generate:api failed (exit ${code})`);
    });
  }, 300);
}

// The folder, not the file: a checkout replaces the file, and a watch on it would go deaf.
// src/api/limits.ts reads the API's limits from this document at build time, and the API types
// in src/api/schema.d.ts are generated from it.
watch("../docs", (_event, file) => {
  if (file !== "openapi.json") return;
  regenerateSoon();
  buildSoon();
});
console.log("watching src/, public/ and ../docs/openapi.json");
