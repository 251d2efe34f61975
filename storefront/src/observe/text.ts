// The console's sentences (what a switch breaks, why a scenario happened, its signals) mark code
// with `backticks`, as the server writes them; the pages show those parts as code.

/** A sentence cut at its `backticks`: the odd parts are code. An unpaired backtick stays as text. */
export function codeSpans(text: string): { text: string; code: boolean }[] {
  const parts: { text: string; code: boolean }[] = [];
  let rest = text;
  for (;;) {
    const open = rest.indexOf("`");
    const close = open < 0 ? -1 : rest.indexOf("`", open + 1);
    if (close < 0) break;
    if (open > 0) parts.push({ text: rest.slice(0, open), code: false });
    if (close > open + 1) parts.push({ text: rest.slice(open + 1, close), code: true });
    rest = rest.slice(close + 1);
  }
  if (rest) parts.push({ text: rest, code: false });
  return parts;
}
