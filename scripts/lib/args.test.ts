/** Flag parsing: a command's flags are the ones its usage names, in that order. */
import { describe, expect, it } from 'vitest';
import { checkFlags, exitCodeOf, flagsIn, missingFlags, namedWrong, parseArgs, switchesIn, UsageError, urlArg } from './args';

describe('CLI flags', () => {
  it('a usage text names the flags, once each, in order', () => {
    expect(flagsIn('usage: x -- --model <dir> [--top 5] [--json]\n  [--top-k N] [--model-url URL]')).toEqual(['model', 'top', 'json', 'top-k', 'model-url']);
  });

  it('a flag the usage does not name is refused with the known ones', () => {
    const argv = ['--model', 'm', '--epoch', '3'];
    expect(() => checkFlags(argv, parseArgs(argv), 'usage: --model <dir> [--epochs 10]')).toThrow(new UsageError('unknown option --epoch; this command takes --model, --epochs (--help for usage)'));
    expect(checkFlags(['--epochs', '3'], parseArgs(['--epochs', '3']), 'usage: --model <dir> [--epochs 10]')).toBe(true);
  });

  it('a word that follows no flag, or a flag given twice, is refused rather than ignored', () => {
    const usage = 'usage: --out <f> [--class N] [--json]';
    const check = (argv: string[]) => () => checkFlags(argv, parseArgs(argv), usage);
    expect(check(['--out', 'o.png', 'extra', 'positional'])).toThrow(new UsageError('unexpected arguments "extra", "positional": every value follows its flag (--help for usage)'));
    expect(check(['--class', '5', '--class=6', '--out', 'o'])).toThrow(new UsageError('--class given more than once: which one was meant?'));
    expect(check(['--out', 'o', '--class', '-3', '--', '-h'])).not.toThrow();
  });

  it('a switch given a value is refused: --force=no forced, and --json yes was taken for --json', () => {
    const usage = 'usage: --out <f> [--class N] [--json] [--force]';
    expect(switchesIn(usage)).toEqual(['json', 'force']);
    const check = (argv: string[]) => () => checkFlags(argv, parseArgs(argv), usage);
    expect(check(['--out', 'o', '--force=no'])).toThrow(new UsageError('--force takes no value (got "no"): give --force alone, or leave it out'));
    expect(check(['--out', 'o', '--json', 'yes'])).toThrow(new UsageError('--json takes no value (got "yes"): give --json alone, or leave it out'));
    expect(check(['--json', '--out', 'o', '--force'])).not.toThrow();
  });

  it('missing flags are named, and the usage goes under the message', () => {
    const e = missingFlags('usage: x', { model: 'm', image: undefined, out: '', layers: [] });
    expect(e.message).toBe('missing --image, --out, --layers');
    expect(e.usage).toBe('usage: x');
    expect(exitCodeOf(e)).toBe(2);
  });

  it('--base-url must be an absolute http(s) URL', () => {
    expect(urlArg(parseArgs(['--base-url', 'https://example.org/w/']), 'base-url')).toBe('https://example.org/w/');
    expect(urlArg(parseArgs([]), 'base-url')).toBeUndefined();
    for (const bad of ['notaurl', 'ftp://x/', '/relative/path']) expect(() => urlArg(parseArgs(['--base-url', bad]), 'base-url')).toThrow(/is not an absolute http\(s\) URL/);
  });

  it('exit 2 for a mistake on the command line, also when a loader rewords it; 1 for a failure', () => {
    expect(exitCodeOf(new UsageError('--top must be …'))).toBe(2);
    const missing = namedWrong(new Error('no model folder at /nope'));
    expect(exitCodeOf(missing)).toBe(2);
    expect(exitCodeOf(new Error('could not load the model', { cause: missing }))).toBe(2);
    expect(exitCodeOf(new Error('weights hold 4 bytes but model.json declares 16'))).toBe(1);
    expect(exitCodeOf(new Error('wrapped', { cause: new Error('damaged') }))).toBe(1);
    expect(exitCodeOf('a string thrown')).toBe(1);
    expect(exitCodeOf(null)).toBe(1);
  });
});
