/**
 * The forge's access token: read from its file at every use (so a rotated token needs no
 * restart), never from the fleet repository, never logged. The file is `tokenFile` from the
 * daemon configuration, or `forge-token` in systemd's $CREDENTIALS_DIRECTORY.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ForgeError } from './forge-error.js';

/** Where the token is read from: the configured file, else the credentials directory's. */
export function tokenPath(
  tokenFile: string | undefined,
  credentialsDirectory: string | undefined,
): string | null {
  if (tokenFile) return tokenFile;
  return credentialsDirectory ? join(credentialsDirectory, 'forge-token') : null;
}

/** A function that reads the token at each call; throws a {@link ForgeError} naming the file only. */
export function tokenReader(path: string): () => string {
  return () => {
    let token: string;
    try {
      token = readFileSync(path, 'utf8').trim();
    } catch {
      throw new ForgeError(`the forge token file ${path} cannot be read`, 0);
    }
    if (token === '' || /\s/.test(token))
      throw new ForgeError(`the forge token file ${path} holds no single token`, 0);
    return token;
  };
}
