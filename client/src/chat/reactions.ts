/** The picker's few common reactions, each with a name for screen readers. */
export const QUICK_REACTIONS: readonly { emoji: string; name: string }[] = [
  { emoji: "👍", name: "thumbs up" },
  { emoji: "🎉", name: "party" },
  { emoji: "😂", name: "laughing" },
  { emoji: "😮", name: "surprised" },
  { emoji: "🙏", name: "thank you" },
  { emoji: "👀", name: "looking" },
];

export interface ReactionSummary {
  count: number;
  reactedByMe: boolean;
  users: readonly { id: string; username: string }[];
}

/** "You, alice and 3 others": who reacted, from the first page of names and the count. */
export function whoReacted(reaction: ReactionSummary, userId: string): string {
  // "You" first, whether or not the first page of names includes me.
  const names = reaction.users.filter((u) => u.id !== userId).map((u) => u.username);
  if (reaction.reactedByMe) names.unshift("You");
  const named = names.slice(0, Math.min(names.length, reaction.count));
  const others = reaction.count - named.length;
  const parts = others > 0 ? [...named, others === 1 ? "1 other" : `${others} others`] : named;
  if (parts.length <= 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}
