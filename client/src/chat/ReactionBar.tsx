import { useEffect, useId, useRef, useState } from "react";
import { QUICK_REACTIONS, whoReacted } from "./reactions";
import type { ChatMessage } from "./useChatRoom";

/** The picker's open state, shared by its toggle (among the message's actions) and the picker itself. */
export interface ReactionPicker {
  id: string;
  toggleId: string;
  open: boolean;
  toggle(): void;
  /** Closes it, focus back on its toggle. */
  close(): void;
}

export function useReactionPicker(): ReactionPicker {
  const id = useId();
  const [open, setOpen] = useState(false);
  const toggleId = `${id}-toggle`;
  return {
    id,
    toggleId,
    open,
    toggle: () => setOpen((current) => !current),
    close: () => {
      setOpen(false);
      document.getElementById(toggleId)?.focus();
    },
  };
}

/** "React": opens the picker. */
export function ReactionToggle({ picker, author }: { picker: ReactionPicker; author: string }) {
  return (
    <button
      id={picker.toggleId}
      type="button"
      className="link add-reaction"
      aria-expanded={picker.open}
      aria-controls={picker.open ? picker.id : undefined}
      aria-label={`React to message from ${author}`}
      onClick={picker.toggle}
    >
      React
    </button>
  );
}

interface Props {
  message: ChatMessage;
  userId: string;
  picker: ReactionPicker;
  /** Adds (on) or takes back my reaction. */
  onReact: (emoji: string, on: boolean) => void;
}

/** A message's reactions (toggle buttons with counts and who reacted) and, when open, the picker. */
export function ReactionBar({ message, userId, picker, onReact }: Props) {
  const mine = new Set(message.reactions.filter((r) => r.reactedByMe).map((r) => r.emoji));
  const pickerElement = useRef<HTMLDivElement>(null);
  // Opened: the focus moves to the first emoji (Escape brings it back to the toggle).
  useEffect(() => {
    if (picker.open) pickerElement.current?.querySelector("button")?.focus();
  }, [picker.open]);
  if (!message.reactions.length && !picker.open) return null;
  return (
    <div className="reactions">
      {message.reactions.length > 0 && (
        <ul className="reaction-list" aria-label="Reactions">
          {message.reactions.map((reaction) => {
            const who = whoReacted(reaction, userId);
            return (
              <li key={reaction.emoji}>
                <button type="button" className="reaction" aria-pressed={reaction.reactedByMe} title={who} onClick={() => onReact(reaction.emoji, !reaction.reactedByMe)}>
                  <span className="reaction-emoji">{reaction.emoji}</span> <span className="reaction-count">{reaction.count}</span>
                  <span className="visually-hidden">: {who}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {picker.open && (
        <div
          id={picker.id}
          ref={pickerElement}
          className="reaction-picker"
          role="group"
          aria-label="Pick a reaction"
          onKeyDown={(event) => {
            if (event.key !== "Escape") return;
            // Closes the picker only, not the panel the message may be in.
            event.stopPropagation();
            picker.close();
          }}
        >
          {QUICK_REACTIONS.map(({ emoji, name }) => (
            <button
              key={emoji}
              type="button"
              aria-pressed={mine.has(emoji)}
              title={name}
              onClick={() => {
                onReact(emoji, !mine.has(emoji));
                picker.close();
              }}
            >
              <span aria-hidden="true">{emoji}</span>
              <span className="visually-hidden">React with {name}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
