/**
 * What the core needs from the outside world to follow `.include` lines and read a
 * Debian split configuration. The CLI and the server supply file-system versions; tests
 * supply in-memory ones. The core itself never touches the disk.
 */
export type ReadResult =
  | { kind: 'file'; text: string }
  | { kind: 'missing' }
  | {
      kind: 'error';
      message: string;
      /** Set when the path is a directory or a device, pipe or socket, which Exim would open and read (a directory gives nothing) but which is not read here. */
      notRegular?: 'directory' | 'special';
    };

export interface ConfigHost {
  /** Reads a configuration file; refuses non-regular files and oversized files with a message. */
  readFile(path: string): ReadResult;
  /** True when something exists at the path (what `.include_if_exists` tests). */
  exists(path: string): boolean;
  /** Entries of a directory (names only), or undefined when it is not a readable directory. */
  listDirectory?(path: string): string[] | undefined;
  isDirectory?(path: string): boolean;
  /**
   * One id for every path that names the same file (a relative path, a symbolic or a hard
   * link), so that an include loop is found however it is written; undefined when unknown.
   */
  fileId?(path: string): string | undefined;
}

/** A host that knows only the given files (by absolute path). */
export function memoryHost(files: Record<string, string>): ConfigHost {
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) {
    let d = p;
    while ((d = dirname(d)) && !dirs.has(d)) {
      dirs.add(d);
      if (d === '/') break;
    }
  }
  return {
    readFile: (p) => (p in files ? { kind: 'file', text: files[p] } : dirs.has(p) ? { kind: 'error', message: 'is a directory', notRegular: 'directory' } : { kind: 'missing' }),
    exists: (p) => p in files || dirs.has(p),
    isDirectory: (p) => dirs.has(p),
    listDirectory: (p) => {
      if (!dirs.has(p)) return undefined;
      const prefix = p.endsWith('/') ? p : p + '/';
      const names = new Set<string>();
      for (const f of [...Object.keys(files), ...dirs]) {
        if (f.startsWith(prefix) && f.length > prefix.length) names.add(f.slice(prefix.length).split('/')[0]);
      }
      return [...names];
    },
  };
}

/** POSIX path helpers (configuration paths are always POSIX paths). */
export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

export function joinPath(dir: string, name: string): string {
  if (name.startsWith('/')) return normalizePath(name);
  return normalizePath(dir.endsWith('/') ? dir + name : dir + '/' + name);
}

export function normalizePath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
    } else out.push(part);
  }
  return (abs ? '/' : '') + out.join('/') || (abs ? '/' : '.');
}
