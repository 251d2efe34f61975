// Generates TypeScript types from docs/openapi.json (the committed copy of /api/openapi.json) and
// type-checks the hand-written client types against them. Skips, saying so, until the document exists.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import openapiTS, { astToString } from "openapi-typescript";

// A path on the command line checks another copy, e.g. one saved from a running gateway.
const document = process.argv[2] ?? new URL("../../docs/openapi.json", import.meta.url).pathname;
if (!existsSync(document)) {
  console.log(`${document} does not exist yet: the API types are not checked against it`);
  process.exit(0);
}

const ast = await openapiTS(JSON.parse(readFileSync(document, "utf8")));
writeFileSync(new URL("../src/api/openapi.gen.ts", import.meta.url), astToString(ast));

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
try {
  execFileSync(process.execPath, [tsc, "--noEmit", "-p", "tsconfig.openapi.json"], { stdio: "inherit" });
} catch {
  console.error(`src/api/types.ts disagrees with ${document} (see the errors above)`);
  process.exit(1);
}
console.log(`src/api/types.ts agrees with ${document}`);
