/**
 * Where the CLIs write: never onto or into one of their inputs, always atomically (a temporary
 * sibling renamed into place when complete), and a non-empty target only with --force — then
 * replaced wholly, so no stale shard is left behind. A folder output must be a model folder to
 * be replaced (it holds model.json): a folder of other files is never replaced.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { noteWritten, onInterrupt, UsageError } from './args';

/** The real path of `p`, or of its nearest existing parent joined with the rest. */
function real(p: string): string {
  const abs = resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = dirname(abs);
  return parent === abs ? abs : join(real(parent), basename(abs));
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

export interface OutputRule {
  /** The command's inputs: files and folders (a model folder protects everything in it). */
  inputs: { flag: string; path: string }[];
  kind: 'file' | 'dir';
  force: boolean;
  flag?: string;
}

/** Refuses, before any work, an output that would lose one of the user's files. */
export function checkOutput(out: string, r: OutputRule): string {
  const flag = r.flag ?? '--out';
  const target = real(out);
  for (const input of r.inputs) {
    const inp = real(input.path);
    const inputIsDir = existsSync(inp) && statSync(inp).isDirectory();
    if (target === inp) throw new UsageError(`${flag} ${out} is the same as ${input.flag}: refusing to overwrite an input`);
    if (inputIsDir && inside(target, inp)) throw new UsageError(`${flag} ${out} is inside ${input.flag} ${input.path}: refusing to write into an input`);
    if (r.kind === 'dir' && inside(inp, target)) throw new UsageError(`${flag} ${out} contains ${input.flag} ${input.path}: replacing it would delete an input`);
  }
  checkWritable(out, flag);
  if (existsSync(target)) {
    const st = lstatSync(target);
    if (r.kind === 'dir') {
      if (!st.isDirectory()) throw new UsageError(`${flag} ${out} exists and is not a folder`);
      const entries = readdirSync(target);
      if (entries.length > 0 && !r.force) throw new UsageError(`${flag} ${out} is not empty; add --force to replace it`);
      // --force replaces a model folder wholly; a folder of other files (`--out . --force` in a
      // thesis folder) is the user's, and is not replaced even then.
      if (entries.length > 0 && !entries.includes('model.json'))
        throw new UsageError(`${flag} ${out} holds files but no model.json: refusing to replace it, even with --force; give a new or empty folder`);
    } else {
      if (st.isDirectory()) throw new UsageError(`${flag} ${out} is a folder; give a file name`);
      if (!r.force) throw new UsageError(`${flag} ${out} exists; add --force to replace it`);
    }
  }
  return target;
}

/**
 * The output's folder must be one we can make and write in: found before the work, not after a
 * training run (a file where a folder is needed, /proc, a read-only disk). The nearest existing
 * folder above it is tried with an empty temporary folder, removed at once.
 */
export function checkWritable(out: string, flag: string): void {
  const target = real(out);
  // Node 20's mkdirSync(…, { recursive: true }) never returns under /proc: said before it is tried.
  if (/^\/(proc|sys)(\/|$)/.test(target)) throw new UsageError(`${flag} ${out}: cannot write in ${target.split('/').slice(0, 2).join('/')}`);
  let dir = dirname(target);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${flag} ${out}: ${dir} is a file, not a folder`);
  try {
    rmSync(mkdtempSync(join(dir, '.transferlens-probe-')), { recursive: true, force: true });
  } catch (e) {
    throw new UsageError(`${flag} ${out}: cannot write in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

const tmpName = (p: string) => join(dirname(p), `.${basename(p)}.tmp-${process.pid}`);

/** Temporary outputs being written: removed if the command is interrupted (Ctrl-C), so no half-written folder stays behind. */
const pending = new Set<string>();
onInterrupt(() => {
  for (const p of pending) rmSync(p, { recursive: true, force: true });
  return pending.size > 0;
});
function track(tmp: string): void {
  pending.add(tmp);
}

/** Writes a file through a temporary sibling, renamed into place. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const tmp = tmpName(resolve(path));
  track(tmp);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
    noteWritten(path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    pending.delete(tmp);
  }
}

/** Fills a temporary sibling folder, then swaps it for `dir` (whose old contents go wholly). */
export async function writeDirAtomic<T>(dir: string, fill: (tmp: string) => T | Promise<T>): Promise<T> {
  const abs = resolve(dir);
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = tmpName(abs);
  rmSync(tmp, { recursive: true, force: true });
  track(tmp);
  mkdirSync(tmp);
  try {
    const result = await fill(tmp);
    if (existsSync(abs)) {
      const old = `${tmp}.old`;
      renameSync(abs, old);
      try {
        renameSync(tmp, abs);
      } catch (e) {
        renameSync(old, abs); // the old output back where it was, not hidden beside it
        throw e;
      }
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, abs);
    noteWritten(dir);
    return result;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    pending.delete(tmp);
  }
}
