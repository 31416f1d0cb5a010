// The rules being edited, kept outside the editor so a tab switch (which unmounts it) loses
// nothing: the drafts, which one is open, whether they differ from the saved rules, and the
// lab's chosen path. The page asks before it is left while something is unsaved.
import type { ResponderRule } from '../../src-main/protocol/types';

class RuleDrafts {
  /** The rules as edited. */
  drafts = $state<ResponderRule[]>([]);
  /** The editor has opened once and taken the saved rules as its drafts. */
  started = false;
  selected = $state(0);
  /** The drafts differ from the saved rules. */
  dirty = $state(false);
  /** The path chosen in the broken-response lab (null: its default). */
  labPath = $state<string | null>(null);
}

export const ruleDrafts = new RuleDrafts();

/** The first time the editor is needed, its drafts start as the saved rules. */
export function startDrafts(saved: readonly ResponderRule[]): void {
  if (ruleDrafts.started) return;
  ruleDrafts.drafts = structuredClone(saved) as ResponderRule[];
  ruleDrafts.started = true;
}

/**
 * A new rule, open for editing and unsaved, at the top of the list: the first rule that matches
 * a request answers it, so the new one is not hidden behind an older rule for the same path.
 */
export function openNewDraft(rule: ResponderRule, saved: readonly ResponderRule[]): void {
  startDrafts(saved);
  ruleDrafts.drafts.unshift(rule);
  ruleDrafts.selected = 0;
  ruleDrafts.dirty = true;
}

/** Whether leaving the page now would lose work. */
export function hasUnsavedWork(): boolean {
  return ruleDrafts.dirty;
}

/**
 * Asks the browser to confirm leaving while there is unsaved work (it shows its own words);
 * returns the remover.
 */
export function guardUnsavedWork(target: Window): () => void {
  const onBeforeUnload = (event: BeforeUnloadEvent): void => {
    if (!hasUnsavedWork()) return;
    event.preventDefault();
    // Older browsers ask only when returnValue is set.
    event.returnValue = true;
  };
  target.addEventListener('beforeunload', onBeforeUnload);
  return () => target.removeEventListener('beforeunload', onBeforeUnload);
}

if (typeof window !== 'undefined') guardUnsavedWork(window);
