/** file: URIs to paths and back; other schemes (untitled:) keep their URI as the "path". */
import { fileURLToPath, pathToFileURL } from 'node:url';

export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}

export function pathToUri(path: string): string {
  return path.startsWith('/') ? pathToFileURL(path).href : path;
}
