import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root (where proto/ and cluster-scripts/ live), found from this file whether it
 * runs from src/ (tests, tsx) or from dist/src/ (compiled).
 */
export function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'proto', 'kv.proto')) && existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`the ordo repository root (with proto/kv.proto) was not found above ${__dirname}`);
}
