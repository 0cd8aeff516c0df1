/**
 * npm run gen:kernels — assembles src/ml/runtime/wasm/gemvWat.ts (both memory kinds: the
 * threaded WASM build's shared memory and the single-threaded build's own) into
 * src/ml/runtime/wasm/gemvBinary.ts, base64, so the app needs no assembler at run time.
 * A unit test assembles it again in memory and fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gemvBinarySource } from './lib/assembleKernels';

const file = resolve(import.meta.dirname, '../src/ml/runtime/wasm/gemvBinary.ts');
writeFileSync(file, await gemvBinarySource());
console.log(`written ${file}`);
