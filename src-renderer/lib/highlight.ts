// Marks the filter's words in a part of the page with the CSS Custom Highlight API: no element
// is added or changed, so views that own their DOM (CodeMirror) are not disturbed. The ranges are
// found again whenever the part's text changes, within a bound on the text read.
import type { Action } from 'svelte/action';

export const HIGHLIGHT_NAME = 'search-match';
/** At most this much text is looked through, and this many matches marked, per change. */
const MAX_CHARS = 500_000;
const MAX_RANGES = 2_000;

/** Where `words` occur (case-insensitively) in the text under `root`: one Range each. */
export function findRanges(root: Node, words: readonly string[]): Range[] {
  const needles = words.map((w) => w.toLowerCase()).filter((w) => w !== '');
  const ranges: Range[] = [];
  if (needles.length === 0) return ranges;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let read = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node.nodeValue ?? '').toLowerCase();
    read += text.length;
    if (read > MAX_CHARS) break;
    for (const needle of needles) {
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + needle.length);
        ranges.push(range);
        if (ranges.length >= MAX_RANGES) return ranges;
      }
    }
  }
  return ranges;
}

type Highlights = Map<string, unknown> & { delete(name: string): boolean };

function registry(): Highlights | null {
  const css = globalThis.CSS as unknown as { highlights?: Highlights } | undefined;
  return css?.highlights ?? null;
}

/**
 * `use:highlightWords={words}`: marks the words under the node (the count in `data-matches`),
 * and again as its content changes.
 */
export const highlightWords: Action<HTMLElement, readonly string[]> = (node, initial) => {
  let words = initial ?? [];
  let frame = 0;
  const HighlightClass = (globalThis as { Highlight?: new (...ranges: Range[]) => unknown })
    .Highlight;
  const paint = (): void => {
    frame = 0;
    const ranges = findRanges(node, words);
    node.dataset.matches = String(ranges.length);
    const highlights = registry();
    if (!highlights || !HighlightClass) return;
    if (ranges.length === 0) highlights.delete(HIGHLIGHT_NAME);
    else highlights.set(HIGHLIGHT_NAME, new HighlightClass(...ranges));
  };
  const schedule = (): void => {
    if (frame === 0) frame = requestAnimationFrame(paint);
  };
  const observer = new MutationObserver(schedule);
  observer.observe(node, { subtree: true, childList: true, characterData: true });
  schedule();
  return {
    update(next) {
      words = next ?? [];
      schedule();
    },
    destroy() {
      observer.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
      registry()?.delete(HIGHLIGHT_NAME);
    },
  };
};
