/**
 * Pasted text that looks like code (several lines, some indented or ending in code
 * punctuation) goes in as a fenced block, so Markdown keeps its indentation and line breaks.
 * Returns null for text to paste as it is: prose, one line, or the caret already in a fence.
 */
export function fenceIfCode(pasted: string, before: string): string | null {
  const text = pasted.replace(/\r\n?/g, "\n");
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  if (lines.length < 2) return null;
  if (insideFence(before) || /^\s*(```|~~~)/m.test(text)) return null;
  const indented = lines.filter((line) => /^(\t| {2,})\S/.test(line)).length;
  const codeLike = lines.filter((line) => /([{};:]|\)|=>)\s*$/.test(line) || /^\s*(def|class|import|from|return|for|while|if|function|const|let|var)\b/.test(line)).length;
  if (indented === 0 && codeLike < 2) return null;
  const start = before === "" || before.endsWith("\n") ? "" : "\n";
  return `${start}\`\`\`\n${text.replace(/\n+$/, "")}\n\`\`\`\n`;
}

/** Whether text ending here has opened a code fence that is still open. */
function insideFence(before: string): boolean {
  return (before.match(/^\s*(```|~~~)/gm)?.length ?? 0) % 2 === 1;
}

/** Enter sends; Shift+Enter (and Enter while an input method is composing) adds a line. */
export function isSendKey(event: { key: string; shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean; isComposing: boolean }): boolean {
  return event.key === "Enter" && !event.shiftKey && !event.altKey && !event.isComposing;
}
