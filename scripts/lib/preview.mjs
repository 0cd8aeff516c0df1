/**
 * `vite preview` as a child that never outlives us: started with node itself (not through npx, so
 * signals reach the server), stopped on SIGINT/SIGTERM/SIGHUP, on our exit, and when our parent
 * (npm, which does not always pass a SIGTERM on) goes away.
 */
import { spawn } from 'node:child_process';

export function preview(port, stdio = 'inherit') {
  const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--host', '127.0.0.1', '--port', port, '--strictPort'], { stdio });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => server.kill('SIGTERM'));
  process.on('exit', () => server.exitCode === null && server.kill('SIGKILL'));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) server.kill('SIGTERM');
  }, 500).unref();
  server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
  return server;
}
