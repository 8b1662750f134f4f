import { yaml as yamlLanguage } from '@codemirror/lang-yaml';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { setDiagnostics, lintGutter, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useTheme } from '@mui/material/styles';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import type { YamlProblem } from './yamlProblems';

/**
 * Colours readable on the dark theme's background (CodeMirror's default style is made for a light one, and stays
 * the fallback in the light theme). Okabe–Ito hues, lightened.
 */
const DARK_HIGHLIGHT = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: '#7cc7f2' },
  { tag: [tags.string, tags.special(tags.string)], color: '#f0b85a' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: '#5fd3a8' },
  { tag: [tags.comment, tags.lineComment], color: '#9e9e9e', fontStyle: 'italic' },
  { tag: [tags.punctuation, tags.separator, tags.squareBracket, tags.brace], color: '#e0e0e0' },
]);

/**
 * The study YAML in a code editor (CodeMirror 6, YAML mode): line numbers, highlighting, and each plan problem
 * underlined on the line of its field with its message in the gutter. The text is the same model the form edits.
 */
export function YamlEditor({ value, problems, onChange }: { value: string; problems: YamlProblem[]; onChange: (text: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const change = useRef(onChange);
  change.current = onChange;
  const themeSlot = useRef(new Compartment());
  const mui = useTheme();

  const editorTheme = () => [
    ...(mui.palette.mode === 'dark' ? [syntaxHighlighting(DARK_HIGHLIGHT)] : []),
    EditorView.theme(
      {
        '&': { fontSize: '13px', border: `1px solid ${mui.palette.divider}`, borderRadius: '8px', backgroundColor: mui.palette.background.paper, color: mui.palette.text.primary },
        // The focus ring on the text itself (the focused element), like every other control; Tab leaves the editor.
        '&.cm-focused': { outline: 'none' },
        '.cm-content:focus': { outline: `2px solid ${mui.palette.primary.main}`, outlineOffset: '-2px' },
        '.cm-content': { fontFamily: 'monospace', minHeight: '420px', caretColor: mui.palette.text.primary },
        '.cm-gutters': { backgroundColor: mui.palette.action.hover, color: mui.palette.text.secondary, border: 'none' },
        '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: mui.palette.action.selected },
        '.cm-tooltip': { backgroundColor: mui.palette.background.paper, color: mui.palette.text.primary },
      },
      { dark: mui.palette.mode === 'dark' },
    ),
  ];

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          yamlLanguage(),
          lintGutter(),
          themeSlot.current.of(editorTheme()),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'Study YAML', spellcheck: 'false' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) change.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Created once: value, theme and problems are pushed into it by the effects below.
  }, []);

  // Edits from the form (or a loaded file) arrive as a new value: replace the text, keeping the cursor where it can.
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current === value) return;
    const head = Math.min(editor.state.selection.main.head, value.length);
    editor.dispatch({ changes: { from: 0, to: current.length, insert: value }, selection: { anchor: head } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: themeSlot.current.reconfigure(editorTheme()) });
  }, [mui]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const length = editor.state.doc.length;
    const diagnostics: Diagnostic[] = problems.map((p) => ({
      from: Math.min(p.from, length),
      to: Math.min(Math.max(p.to, p.from + 1), length),
      severity: 'error',
      message: p.path ? `${p.path}: ${p.message}` : p.message,
    }));
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [problems, value]);

  return <div ref={host} data-testid="yaml-editor" />;
}
