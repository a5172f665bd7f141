// One benchmark group in a process of its own (started by bench/run.ts): whatever the group sets
// in the process (NODE_ENV, globals, open handles) ends with it, so groups cannot change each
// other's figures. Writes the group's figures as JSON to the file named by the second argument.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BenchGroup } from './figures.ts';

const [groupFile, figuresFile] = process.argv.slice(2);
if (!groupFile || !figuresFile) {
  console.error('usage: run-group.ts <group file> <figures file>');
  process.exit(2);
}
const group = (await import(pathToFileURL(groupFile).href)) as BenchGroup;
writeFileSync(figuresFile, JSON.stringify(await group.run()));
// A group may leave a server or a browser handle behind; its figures are written, so end here.
process.exit(0);
