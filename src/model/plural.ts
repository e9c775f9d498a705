// Counts in labels read as English: "1 entry", "2 entries", never "1 entries".

/** A count with its noun, singular or plural. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
