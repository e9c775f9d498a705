// Counts in labels read as English: "1 entry", "2 entries", never "1 entries".

/** The first `max` items, and how many more there are: "a, b, c and 2 more". */
export function someOf(items: readonly string[], max: number, separator = ', '): string {
  return `${items.slice(0, max).join(separator)}${items.length > max ? ` and ${items.length - max} more` : ''}`;
}

/** A count with its noun, singular or plural. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
