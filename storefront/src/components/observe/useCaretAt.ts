"use client";

import { useEffect, type RefObject } from "react";
import { caretOffset } from "@/observe/queryErrors";

/**
 * Puts the caret before the `character`-th character (counted from 1) of the field's text and
 * focuses it, whenever an error names a character; null leaves the field alone.
 */
export function useCaretAt(field: RefObject<HTMLInputElement | HTMLTextAreaElement | null>, character: number | null) {
  useEffect(() => {
    const element = field.current;
    if (!element || character === null) return;
    const offset = caretOffset(element.value, character);
    element.focus();
    element.setSelectionRange(offset, offset);
  }, [field, character]);
}
