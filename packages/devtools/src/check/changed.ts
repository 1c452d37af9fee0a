import { execFileSync } from 'node:child_process';
import { inputError } from '../codes.js';

function git(root: string, args: readonly string[]): string {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

/**
 * The merge base of HEAD with the upstream branch (or `main` / `master`) and the files changed
 * since it, committed or not, untracked included.
 *
 * @throws FoundationError 3204 when the folder is not a git checkout or no base branch is found.
 */
export function changedSinceMergeBase(root: string): { mergeBase: string; files: string[] } {
  let mergeBase: string | undefined;
  for (const ref of ['@{upstream}', 'origin/main', 'main', 'origin/master', 'master']) {
    try {
      mergeBase = git(root, ['merge-base', 'HEAD', ref]);
      break;
    } catch {
      // That ref does not exist here; try the next.
    }
  }
  if (!mergeBase)
    throw inputError('--changed', 'needs a git checkout with an upstream, main or master branch');
  const changed = git(root, ['diff', '--name-only', mergeBase]).split('\n');
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard']).split('\n');
  return { mergeBase, files: [...new Set([...changed, ...untracked])].filter((f) => f !== '') };
}
