// Sentences from the server (what a switch breaks, why a scenario happened) with their code marked.
import { codeSpans } from "@/observe/text";

/** A sentence from the server with its `backticked` parts shown as code. */
export function CodeText({ text }: { text: string }) {
  return (
    <>
      {codeSpans(text).map((part, i) =>
        part.code ? (
          <code key={i} className="rounded bg-stone-100 px-1 font-mono text-[0.9em] text-stone-900">
            {part.text}
          </code>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
