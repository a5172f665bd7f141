// npm run bench [-- group ...]: runs the benchmark groups in bench/groups and merges their
// figures into bench/results.json, printing each with its goal and its ratio to its anchor.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchGroup, Figure } from './figures.ts';
import { round } from './figures.ts';

const GROUPS_DIR = fileURLToPath(new URL('./groups/', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

interface StoredFigure extends Omit<Figure, 'key'> {
  speedup?: number;
}

const available = readdirSync(GROUPS_DIR).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((g) => !available.includes(g));
if (unknown.length) {
  console.error(`unknown benchmark group ${unknown.join(', ')}; groups: ${available.join(', ')}`);
  process.exit(2);
}

const results: Record<string, StoredFigure> = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};
let failed = false;
for (const name of wanted.length ? wanted : available) {
  console.log(`\n== ${name}`);
  const group = (await import(pathToFileURL(`${GROUPS_DIR}${name}.ts`).href)) as BenchGroup;
  let figures: Figure[];
  try {
    figures = await group.run();
  } catch (error) {
    console.error(`group ${name} failed:`, error);
    failed = true;
    continue;
  }
  for (const { key, ...figure } of figures) {
    const stored: StoredFigure = { ...figure, value: round(figure.value) };
    if (figure.anchor_value !== undefined) {
      stored.anchor_value = round(figure.anchor_value);
      // For rates (per second) bigger is better; for durations and sizes smaller is.
      const higherIsBetter = figure.unit.endsWith('/s');
      stored.speedup = round(higherIsBetter ? figure.value / figure.anchor_value : figure.anchor_value / figure.value, 2);
    }
    results[key] = stored;
    const ratio = stored.speedup !== undefined ? `  x${stored.speedup} vs ${figure.anchor} (${stored.anchor_value} ${figure.unit})` : '';
    console.log(`${key.padEnd(44)} ${String(stored.value).padStart(10)} ${figure.unit}${figure.goal ? `  goal ${figure.goal}` : ''}${ratio}`);
  }
}
writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
console.log(`\nfigures merged into bench/results.json`);
process.exit(failed ? 1 : 0);
