/**
 * Preloaded (node --import) into a CLI the bench runs as it is: at exit, prints the process's peak
 * resident memory (VmHWM, Linux) for the bench to read — the figure for one
 * `npm run saliency`, measured on the CLI itself rather than on a bench process.
 */
import { readFileSync } from 'node:fs';

process.on('exit', () => {
  let kb = 'NaN';
  try {
    kb = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 'NaN';
  } catch {
    /* not Linux */
  }
  process.stderr.write(`PEAK_RSS_KB ${kb}\n`);
});
