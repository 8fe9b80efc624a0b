import { type FSWatcher, watch } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";

/** Watches a source tree and single files, and reports bursts of changes once they settle. */
export interface FileWatcher {
  close(): void;
}

export interface FileWatcherOptions {
  /** The tree whose sources are watched (recursively), e.g. the config's `python.cwd`. */
  root: string;
  /** Which files of the tree count, by path (default: Python sources and Agent Spec files). */
  include?: (path: string) => boolean;
  /** Files watched beside the tree (e.g. the config file), wherever they are. */
  files?: string[];
  /** Quiet time after the last change before the batch is reported. Default: 150 ms. */
  debounceMs?: number;
  /** The absolute paths that changed in one burst (an editor's save is several events). */
  onChange(paths: string[]): void;
}

// Never watched: environments, caches and VCS data change on their own and are not the user's code.
const SKIPPED_DIRS = new Set([
  ".venv",
  "venv",
  "node_modules",
  "__pycache__",
  ".git",
  ".mypy_cache",
  ".ruff_cache",
  ".pytest_cache",
]);

/** Python sources and Agent Spec files (YAML/JSON). */
export const isAgentSource = (path: string) => /\.(py|ya?ml|json)$/.test(path);

function skipped(root: string, path: string): boolean {
  return relative(root, path)
    .split(sep)
    .some((part) => SKIPPED_DIRS.has(part) || (part.startsWith(".") && part !== ".." && part.length > 1));
}

export function watchFiles(options: FileWatcherOptions): FileWatcher {
  const root = resolve(options.root);
  const include = options.include ?? isAgentSource;
  const debounceMs = options.debounceMs ?? 150;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const changed = (path: string) => {
    pending.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const paths = [...pending];
      pending.clear();
      options.onChange(paths);
    }, debounceMs);
  };
  const watchers: FSWatcher[] = [];
  // Recursive fs.watch (inotify on Linux, since Node 20). An editor that saves by renaming a temp
  // file over the original shows up as a `rename` of the original's name: both kinds count.
  watchers.push(
    watch(root, { recursive: true }, (_kind, name) => {
      if (!name) return;
      const path = join(root, name.toString());
      if (include(path) && !skipped(root, path)) changed(path);
    }),
  );
  // A single file is watched through its directory, so that a replaced file is still seen.
  const files = (options.files ?? []).map((file) => resolve(file));
  for (const dir of new Set(files.map((file) => dirname(file)))) {
    const names = new Set(files.filter((file) => dirname(file) === dir).map((file) => basename(file)));
    watchers.push(
      watch(dir, (_kind, name) => {
        if (name && names.has(name.toString())) changed(join(dir, name.toString()));
      }),
    );
  }
  for (const watcher of watchers) watcher.on("error", () => {});
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
