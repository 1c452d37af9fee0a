import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A pending changeset: its file and the packages its frontmatter names. */
export interface PendingChangeset {
  /** The file name inside the changeset directory. */
  readonly file: string;
  /** The package names it bumps. */
  readonly packages: readonly string[];
}

/** Reads the package names out of a changeset's frontmatter (`"@scope/name": minor`). */
export function parseChangesetPackages(text: string): string[] {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (match === null) return [];
  const names: string[] = [];
  for (const line of match[1]!.split(/\r?\n/)) {
    const entry = /^\s*(['"]?)([^'":\s]+)\1\s*:\s*(major|minor|patch|none)\s*$/.exec(line);
    if (entry !== null) names.push(entry[2]!);
  }
  return names;
}

/** Every pending changeset in `dir` (README.md and non-markdown files excluded). */
export function pendingChangesets(dir: string): PendingChangeset[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file.toLowerCase() !== 'readme.md')
    .sort()
    .map((file) => ({
      file,
      packages: parseChangesetPackages(readFileSync(join(dir, file), 'utf8')),
    }));
}
