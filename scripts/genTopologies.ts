/**
 * npm run gen:topologies — writes src/ml/core/topologies.json: the layer topology (no weights)
 * and surgery metadata of every architecture the converter knows, for the page's
 * architecture view (so it can show AlexNet and VGG16 without 800 MB of weights).
 * A unit test regenerates it in memory and fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildTopologies } from '../src/ml/convert/topologyGen';

const file = resolve(import.meta.dirname, '../src/ml/core/topologies.json');
writeFileSync(file, `${JSON.stringify(await buildTopologies())}\n`);
console.log(`written ${file}`);
