/**
 * npm run gen:kernels — assembles src/ml/runtime/wasm/kernelsWat.ts (both memory kinds: the
 * threaded WASM build's shared memory and the single-threaded build's own) into
 * src/ml/runtime/wasm/kernelsBinary.ts, base64, so the app needs no assembler at run time.
 * A unit test assembles it again in memory and fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { kernelsBinarySource } from './lib/assembleKernels';

const file = resolve(import.meta.dirname, '../src/ml/runtime/wasm/kernelsBinary.ts');
writeFileSync(file, await kernelsBinarySource());
console.log(`written ${file}`);
