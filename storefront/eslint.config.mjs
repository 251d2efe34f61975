import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypeScript from "eslint-config-next/typescript";

// Next's rules (React, hooks, jsx-a11y, TypeScript), with jsx-a11y's stricter checks on: every
// control labelled, every interactive element reachable by keyboard.
const config = [
  ...nextVitals,
  ...nextTypeScript,
  {
    rules: {
      "jsx-a11y/label-has-associated-control": "error",
      "jsx-a11y/click-events-have-key-events": "error",
      "jsx-a11y/no-static-element-interactions": "error",
      "jsx-a11y/no-noninteractive-element-interactions": "error",
      "jsx-a11y/interactive-supports-focus": "error",
      "jsx-a11y/no-autofocus": "error",
      "no-console": "error",
    },
  },
  { files: ["e2e/**", "scripts/**"], rules: { "no-console": "off" } },
  { ignores: [".next/", "out/", "node_modules/", "test-results/", "next-env.d.ts", "src/api/schema.d.ts"] },
];

export default config;
