// The git identity of whoever works in a repository: who is acting, by their commit email.
import { sharedGit } from './runner';

/** `git config user.email` as the repository sees it (local, then global); undefined when unset or not a repo. */
export async function gitUserEmail(repoDir: string): Promise<string | undefined> {
  try {
    const value = await sharedGit(repoDir).getConfig('user.email');
    return value.value?.trim() || undefined;
  } catch {
    return undefined;
  }
}
