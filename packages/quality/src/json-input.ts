import { readFileSync } from 'node:fs';
import { qualityError } from './errors.js';

/**
 * Parses the JSON text of an input a gate reads (a coverage summary, benchmark results, a
 * baseline, a manifest).
 *
 * @param text - the file's text
 * @param shown - the file as the message names it (relative to the root)
 * @param todo - what the user should do when it is not JSON
 * @returns the parsed value, unchecked
 * @throws FoundationError 8103 (`quality_input_unreadable`) when the text is not JSON
 */
export function parseJsonInput(text: string, shown: string, todo: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw qualityError(
      'quality_input_unreadable',
      `${shown} is not valid JSON`,
      todo,
      { file: shown },
      cause,
    );
  }
}

/**
 * Reads and parses a JSON input file: the one place a missing, unreadable or malformed input
 * becomes a FoundationError naming the file and what to do.
 *
 * @param file - the file's path
 * @param shown - the file as the message names it (relative to the root)
 * @param todo - what the user should do about it
 * @returns the parsed value, unchecked
 * @throws FoundationError 8103 (`quality_input_unreadable`) when the file is missing,
 * unreadable or not JSON
 */
export function readJsonInput(file: string, shown: string, todo: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw qualityError(
      'quality_input_unreadable',
      code === 'ENOENT' ? `${shown} does not exist` : `${shown} cannot be read (${String(code)})`,
      todo,
      { file: shown },
      cause,
    );
  }
  return parseJsonInput(text, shown, todo);
}
