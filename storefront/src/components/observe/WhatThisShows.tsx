// The "What this shows" section at the top of every Observe page: closed by default, so the page
// is the data; opened, it says where that data comes from locally and on AWS, defines the terms
// the page uses and names the lessons that use it. The texts are src/observe/explanations.ts.
// The docs are cited, not linked: the console is served without them and knows no docs URL.
import { explanations, lessonTitle, type ObservePage } from "@/observe/explanations";
import { CodeText } from "./CodeText";

export function WhatThisShows({ page }: { page: ObservePage }) {
  const { shows, terms, lessons } = explanations[page];
  return (
    <details className="mb-6 rounded-lg border border-stone-200 bg-white text-sm">
      <summary className="cursor-pointer px-4 py-2 font-medium text-brand-700 select-none hover:bg-stone-50">What this shows</summary>
      <div className="flex flex-col gap-4 border-t border-stone-200 px-4 py-3 text-stone-700">
        <p>
          <CodeText text={shows} />
        </p>
        <dl aria-label="Terms" className="grid gap-x-4 gap-y-2 sm:grid-cols-[max-content_1fr]">
          {terms.map(({ term, definition }) => (
            <div key={term} className="contents">
              <dt className="font-semibold text-stone-900">{term}</dt>
              <dd>
                <CodeText text={definition} />
              </dd>
            </div>
          ))}
        </dl>
        <div>
          <p className="font-semibold text-stone-900">In the lessons</p>
          <ul aria-label="Lessons" className="list-disc pl-5">
            {lessons.map((lesson) => (
              <li key={lesson.doc + lesson.heading}>
                <cite className="not-italic">
                  <CodeText text={lessonTitle(lesson)} />
                </cite>
                : {lesson.why}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </details>
  );
}
