// Who is acting: recorded on every change. A configured person id wins; otherwise the git
// author email is matched to a person. When neither settles it, the UI asks once.
import type { Person, PersonId } from './record';

export interface ActorHints {
  gitEmail?: string | null;
  configuredPersonId?: string | null;
  people: readonly Person[];
}

const norm = (email: string): string => email.trim().toLowerCase();

/** The acting person's id, or null when unknown or ambiguous (two people share the email). */
export function resolveActor(hints: ActorHints): PersonId | null {
  const configured = hints.configuredPersonId?.trim();
  // A configured id that names nobody is a typo, not an identity: fall back to git.
  if (configured && hints.people.some((p) => p.id === configured)) return configured;
  const email = hints.gitEmail ? norm(hints.gitEmail) : '';
  if (!email) return null;
  const matches = hints.people.filter((p) => [p.email, ...(p.git_emails ?? [])].some((e) => e !== undefined && norm(e) === email));
  return matches.length === 1 ? matches[0].id : null;
}
