// CodeMirror 6 setup for the renderer: language by content type, read-only viewers and editors.
import { EditorState, type Extension } from '@codemirror/state';
import {
  EditorView,
  highlightSpecialChars,
  lineNumbers,
  keymap,
  drawSelection,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching } from '@codemirror/language';
import { html } from '@codemirror/lang-html';
import { json } from '@codemirror/lang-json';
import { css } from '@codemirror/lang-css';
import { javascript } from '@codemirror/lang-javascript';

export type EditorLanguage = 'html' | 'json' | 'css' | 'javascript' | 'plain';

export function languageFor(contentType: string | null): EditorLanguage {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('html') || type.includes('svg') || type.includes('xml')) return 'html';
  if (type.includes('json')) return 'json';
  if (type.includes('css')) return 'css';
  if (type.includes('javascript') || type.includes('ecmascript')) return 'javascript';
  return 'plain';
}

function languageExtension(language: EditorLanguage): Extension {
  switch (language) {
    case 'html':
      return html();
    case 'json':
      return json();
    case 'css':
      return css();
    case 'javascript':
      return javascript();
    case 'plain':
      return [];
  }
}

export interface EditorOptions {
  doc: string;
  language: EditorLanguage;
  readOnly: boolean;
  /** Keep CRLF line ends (the document's line separator is \r\n). */
  crlf?: boolean;
  /** The editable text's accessible name (its role is textbox). */
  label?: string;
  onChange?: (doc: string) => void;
}

export function createEditor(parent: HTMLElement, options: EditorOptions): EditorView {
  const extensions: Extension[] = [
    lineNumbers(),
    highlightSpecialChars(),
    drawSelection(),
    bracketMatching(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    languageExtension(options.language),
    EditorView.lineWrapping,
    EditorState.readOnly.of(options.readOnly),
    EditorView.editable.of(!options.readOnly),
  ];
  if (options.label)
    extensions.push(EditorView.contentAttributes.of({ 'aria-label': options.label }));
  if (!options.readOnly)
    extensions.push(history(), keymap.of([...defaultKeymap, ...historyKeymap]));
  if (options.crlf) extensions.push(EditorState.lineSeparator.of('\r\n'));
  if (options.onChange) {
    const onChange = options.onChange;
    extensions.push(
      EditorView.updateListener.of((update) => {
        // sliceDoc joins lines with the state's own separator (CRLF when kept); doc.toString() would use LF.
        if (update.docChanged) onChange(update.state.sliceDoc());
      }),
    );
  }
  return new EditorView({ parent, state: EditorState.create({ doc: options.doc, extensions }) });
}
