/**
 * Turns a path pattern into a regular expression: `**` matches across directories, `*` and
 * `?` within one, everything else literally. A pattern without a slash matches at any depth;
 * one ending in `/` matches everything below that directory.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  const trimmed = pattern.endsWith('/') ? `${pattern}**` : pattern;
  for (let i = 0; i < trimmed.length; i++) {
    const char = trimmed[i]!;
    if (char === '*' && trimmed[i + 1] === '*') {
      const slash = trimmed[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const anchored = trimmed.includes('/') ? `^${source}$` : `^(?:.*/)?${source}$`;
  return new RegExp(anchored);
}

/** Parses an allow-list file: one pattern a line, blank lines and `#` comments ignored. */
export function parsePatternList(text: string): RegExp[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map(globToRegExp);
}
