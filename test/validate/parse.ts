/** Builds ParsedFiles the way the reader does (src/specs parseFleetFile), from YAML text. */
import { parseFleetFile } from '../../src/specs/parse-file.js';
import type { ParsedFile } from '../../src/specs/types.js';

/** Parses `text` as the repository file `file` (servers/… → server, fleet.yaml → fleet). */
export function parsed(text: string, file = 'servers/web-1.yaml'): ParsedFile {
  return parseFleetFile(file, new TextEncoder().encode(text));
}
