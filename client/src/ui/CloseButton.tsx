/** A "×" button whose name is said in words: the sign is hidden from screen readers, the words from sight. */
export function CloseButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" className="link close-button" onClick={onClick}>
      <span aria-hidden="true">×</span>
      <span className="visually-hidden">{label}</span>
    </button>
  );
}
