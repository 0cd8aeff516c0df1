/**
 * The CLIs' argument handling: --key value / --key=value / --flag, typed readers that validate
 * every number and choice with its range in the message (exit 2 for usage errors), and one
 * runner that turns any failure into one line on stderr — no stack trace unless DEBUG is set.
 */
export type Args = Map<string, string | true>;

/** What parseArgs set aside: words that follow no flag, and flags given more than once (checkFlags refuses both). */
const strays = new WeakMap<Args, { words: string[]; repeated: string[] }>();

export function parseArgs(argv: string[]): Args {
  const out: Args = new Map();
  const words: string[] = [];
  const repeated: string[] = [];
  const put = (k: string, v: string | true) => {
    if (out.has(k) && !repeated.includes(k)) repeated.push(k);
    out.set(k, v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--' || a === '-h') continue;
    if (!a.startsWith('--')) {
      words.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) {
      put(a.slice(2, eq), a.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      put(a.slice(2), next);
      i++;
    } else put(a.slice(2), true);
  }
  strays.set(out, { words, repeated });
  return out;
}

/** A mistake in how the command was called (exit 2); `usage`, when given, is printed under the message. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** For the flags a command cannot run without: the usage error naming those missing (or empty), the usage under it. */
export function missingFlags(usage: string, given: Record<string, unknown>): UsageError {
  const missing = Object.entries(given)
    .filter(([, v]) => v === undefined || v === '' || (Array.isArray(v) && v.length === 0))
    .map(([k]) => `--${k}`);
  return new UsageError(`missing ${missing.join(', ')}`, usage);
}

/**
 * An error (of any class: the message stays its module's) that is a mistake on the command line:
 * a path given that is not there, or not the kind of thing the flag takes. Exit 2, like a flag
 * out of range; a file that is there but unreadable or damaged stays a failure (exit 1).
 */
export function namedWrong<E extends Error>(e: E): E {
  return Object.assign(e, { exitCode: 2 });
}

/** 2 for a usage mistake, 1 for a failure. */
export function exitCodeOf(e: unknown): 1 | 2 {
  // Through the causes: a loader rewords an error but keeps it as its cause.
  for (let x = e, depth = 0; x && depth < 8; x = (x as { cause?: unknown }).cause, depth++) {
    if (x instanceof UsageError || (x as { exitCode?: unknown }).exitCode === 2) return 2;
  }
  return 1;
}

/** The flags a usage text names, in its order: the one list a command's flags are kept in. */
export function flagsIn(usage: string): string[] {
  return [...new Set([...usage.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!))];
}

/** The flags a usage shows bare, "[--force]": on or off, with no value. */
export function switchesIn(usage: string): string[] {
  return [...new Set([...usage.matchAll(/\[--([a-z][a-z0-9-]*)\]/g)].map((m) => m[1]!))];
}

/**
 * A CLI's flags checked before any work (those its usage names): --help (or -h) prints `usage` and says to stop (exit 0,
 * nothing touched); a flag the command does not know is a usage error naming the known ones, so a
 * typo (--epoch for --epochs) is not silently ignored.
 */
export function checkFlags(argv: string[], args: Args, usage: string, known: readonly string[] = flagsIn(usage)): boolean {
  if (args.has('help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return false;
  }
  const unknown = [...args.keys()].filter((k) => !known.includes(k));
  if (unknown.length)
    throw new UsageError(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `--${k}`).join(', ')}; this command takes ${known.map((k) => `--${k}`).join(', ')} (--help for usage)`);
  const { words = [], repeated = [] } = strays.get(args) ?? {};
  // A word that follows no flag was meant for one (a quoted path split at a space, a value after a bare flag): not ignored.
  if (words.length) throw new UsageError(`unexpected argument${words.length > 1 ? 's' : ''} ${words.map((w) => JSON.stringify(w)).join(', ')}: every value follows its flag (--help for usage)`);
  if (repeated.length) throw new UsageError(`${repeated.map((k) => `--${k}`).join(', ')} given more than once: which one was meant?`);
  // A switch with a value: "--force=no" forced, "--json yes" was taken for JSON.
  for (const k of switchesIn(usage)) {
    const v = args.get(k);
    if (typeof v === 'string') throw new UsageError(`--${k} takes no value (got ${JSON.stringify(v)}): give --${k} alone, or leave it out`);
  }
  return true;
}

export function str(args: Args, key: string): string | undefined {
  const v = args.get(key);
  if (v === true) throw new UsageError(`--${key} needs a value`);
  return v;
}

/** A flag that must be an absolute http(s) URL (a base for relative image addresses). */
export function urlArg(args: Args, key: string): string | undefined {
  const v = str(args, key);
  if (v === undefined) return undefined;
  let u: URL | null = null;
  try {
    u = new URL(v);
  } catch {
    /* not a URL at all */
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new UsageError(`--${key} ${JSON.stringify(v)} is not an absolute http(s) URL (e.g. https://example.org/wikiart/)`);
  return v;
}

export interface NumberRule {
  min?: number;
  max?: number;
  /** The value must be greater than `min` (not equal). */
  exclusiveMin?: boolean;
  /** The value must be less than `max` (not equal). */
  exclusiveMax?: boolean;
  integer?: boolean;
}

/** Says the range in words: "an integer ≥ 1", "a number in [0, 1)". */
export function describeRule(r: NumberRule): string {
  const kind = r.integer ? 'an integer' : 'a number';
  const lo = r.min === undefined ? '' : `${r.exclusiveMin ? '(' : '['}${r.min}`;
  const hi = r.max === undefined ? '' : `${r.max}${r.exclusiveMax ? ')' : ']'}`;
  if (lo && hi) return `${kind} in ${lo}, ${hi}`;
  if (lo) return `${kind} ${r.exclusiveMin ? '>' : '≥'} ${r.min}`;
  if (hi) return `${kind} ${r.exclusiveMax ? '<' : '≤'} ${r.max}`;
  return kind;
}

/** The number in `text`, or why it is not acceptable (never coerced). */
export function checkNumber(text: string, r: NumberRule): { value: number } | { error: string } {
  // Decimal or scientific notation (1e-3 is a learning rate); not 0x…, 0o…, 0b…, which Number() reads.
  const n = text.trim() === '' || /^\s*[+-]?0[xob]/i.test(text) ? NaN : Number(text);
  const bad =
    !Number.isFinite(n) ||
    (r.integer && !Number.isInteger(n)) ||
    (r.min !== undefined && (r.exclusiveMin ? n <= r.min : n < r.min)) ||
    (r.max !== undefined && (r.exclusiveMax ? n >= r.max : n > r.max));
  return bad ? { error: `must be ${describeRule(r)} (got "${text}")` } : { value: n };
}

export function num(args: Args, key: string, rule: NumberRule, dflt: number): number;
export function num(args: Args, key: string, rule: NumberRule): number | undefined;
export function num(args: Args, key: string, rule: NumberRule, dflt?: number): number | undefined {
  const v = str(args, key);
  if (v === undefined) return dflt;
  const r = checkNumber(v, rule);
  if ('error' in r) throw new UsageError(`--${key} ${r.error}`);
  return r.value;
}

export function choice<T extends string>(args: Args, key: string, values: readonly T[], dflt: T): T {
  const v = str(args, key) ?? dflt;
  if (!(values as readonly string[]).includes(v)) throw new UsageError(`unknown --${key} "${v}"; valid: ${values.join(', ')}`);
  return v as T;
}

/** Prints one line and exits: 2 for usage errors, 1 otherwise. */
export function fail(message: string, code = 2): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

/** Control characters as escapes: a file name may hold a newline or a terminal escape sequence. */
const visible = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));

function oneLine(e: unknown): string {
  const m = (e instanceof Error ? e.message : String(e)).trim();
  // A short message is kept whole (a newline in it is most likely a user's file name).
  if (m.length <= 400) return visible(m);
  // Some libraries put pages of generated source into their messages: keep what says what went wrong.
  const first = m.split('\n').find((l) => l.trim()) ?? m;
  return visible(first.length > 400 ? `${first.slice(0, 400)}…` : first);
}

/** Clean-ups for Ctrl-C; each says whether it removed a partial output. */
const cleanups: (() => boolean)[] = [];
export function onInterrupt(fn: () => boolean): void {
  cleanups.push(fn);
}

/** Outputs complete on disk: a Ctrl-C that lands after one was written says so. */
const written: string[] = [];
export function noteWritten(path: string): void {
  written.push(path);
}

/**
 * Ctrl-C (or a kill) at any moment says what happened, from the first instant (before, a command
 * stopped before its first write exited 130 in silence), and removes any partial output.
 */
function hookInterrupts(): void {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(sig, () => {
      const removed = cleanups.map((f) => f()).some(Boolean);
      // A signal is handled once the work gives way: after a long synchronous write it can come
      // when the output is already whole (it said "nothing was written" beside the finished model).
      const done = written.length === 0 ? 'nothing was written' : written.length <= 2 ? `${written.join(', ')} ${written.length === 1 ? 'was' : 'were'} written in full` : `${written.length} files were written in full (the last: ${written.at(-1)})`;
      process.stderr.write(`\ninterrupted (${sig}): ${done}${removed ? '; the partial output was removed' : ''}\n`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
}

/** Runs a CLI's main: any error becomes `error: <one line>` (the stack only with DEBUG set). */
export async function runCli(main: () => Promise<void> | void): Promise<void> {
  hookInterrupts();
  try {
    await main();
  } catch (e) {
    if (process.env.DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    // The usage under the message, line by line (it was once escaped into one line of \n's).
    if (e instanceof UsageError && e.usage) fail(`${oneLine(e)}\n${e.usage}`, 2);
    fail(oneLine(e), exitCodeOf(e));
  }
}
