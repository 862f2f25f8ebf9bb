/** GraphQL IDs are strings; ours are positive integers. Anything else → null. */
export function parseId(value: unknown): number | null {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^[1-9]\d{0,14}$/.test(text)) return null;
  return Number(text);
}
