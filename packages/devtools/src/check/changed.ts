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
 * The merge base of HEAD with the upstream branch (or `main` / `master`) and the files under
 * `root` changed since it, committed or not, untracked included, relative to `root`.
 *
 * @param root - The project folder: a git checkout or a folder inside one.
 * @returns The merge base commit and the changed files.
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
  // Relative to `root`, which may be a folder inside the checkout, like `ls-files` below.
  const changed = git(root, ['diff', '--name-only', '--relative', mergeBase]).split('\n');
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard']).split('\n');
  return { mergeBase, files: [...new Set([...changed, ...untracked])].filter((f) => f !== '') };
}
