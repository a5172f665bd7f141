// npm run bench [-- [--out FILE] group ...]: runs the benchmark groups in bench/groups, each in a
// child process of its own (bench/run-group.ts), and merges their figures into bench/results.json
// (or FILE), printing each with its goal and its ratio to its anchor. Each figure records the
// commit it was measured on and when, so a figure left from an earlier run never looks current.
import { readdirSync, readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn, execSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figure } from './figures.ts';
import { round } from './figures.ts';

const GROUPS_DIR = fileURLToPath(new URL('./groups/', import.meta.url));
const CHILD = fileURLToPath(new URL('./run-group.ts', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

interface StoredFigure extends Omit<Figure, 'key'> {
  speedup?: number;
  /** When the figure was measured (ISO 8601, UTC). */
  measured_at: string;
  /** The commit measured; `+changes` when the tree had uncommitted changes. */
  commit: string;
}

function parseArgs(argv: string[]): { out: string; groups: string[] } {
  const groups: string[] = [];
  let out = RESULTS;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') {
      const file = argv[++i];
      if (!file) throw new Error('--out needs a file name');
      out = resolve(process.env.INIT_CWD ?? process.cwd(), file);
    } else {
      groups.push(argv[i]);
    }
  }
  return { out, groups };
}

function currentCommit(): string {
  try {
    const head = execSync('git rev-parse --short=7 HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

/** Runs one group in a fresh node process with the same loader (tsx) as this one. */
function runGroup(name: string, figuresFile: string): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...process.execArgv, CHILD, join(GROUPS_DIR, `${name}.ts`), figuresFile], { stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      if (code !== 0) console.error(`group ${name} failed (${signal ?? `exit ${code}`})`);
      done(code === 0);
    });
  });
}

let args: { out: string; groups: string[] };
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const available = readdirSync(GROUPS_DIR).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
const unknown = args.groups.filter((g) => !available.includes(g));
if (unknown.length) {
  console.error(`unknown benchmark group ${unknown.join(', ')}; groups: ${available.join(', ')}`);
  process.exit(2);
}

const results: Record<string, StoredFigure> = existsSync(args.out) ? JSON.parse(readFileSync(args.out, 'utf8')) : {};
const commit = currentCommit();
const scratch = mkdtempSync(join(tmpdir(), 'hub-bench-'));
let failed = false;
for (const name of args.groups.length ? args.groups : available) {
  console.log(`\n== ${name}`);
  const figuresFile = join(scratch, `${name}.json`);
  if (!(await runGroup(name, figuresFile))) {
    failed = true;
    continue;
  }
  const measuredAt = new Date().toISOString();
  for (const { key, ...figure } of JSON.parse(readFileSync(figuresFile, 'utf8')) as Figure[]) {
    const stored: StoredFigure = { ...figure, value: round(figure.value), measured_at: measuredAt, commit };
    if (figure.anchor_value !== undefined) {
      stored.anchor_value = round(figure.anchor_value);
      // For rates (per second, frames per second, shares read) bigger is better; for durations and sizes smaller is.
      const higherIsBetter = figure.unit.endsWith('/s') || figure.unit === 'fps' || figure.unit === 'share';
      stored.speedup = round(higherIsBetter ? figure.value / figure.anchor_value : figure.anchor_value / figure.value, 2);
    }
    results[key] = stored;
    const ratio = stored.speedup !== undefined ? `  x${stored.speedup} vs ${figure.anchor} (${stored.anchor_value} ${figure.unit})` : '';
    console.log(`${key.padEnd(44)} ${String(stored.value).padStart(10)} ${figure.unit}${figure.goal ? `  goal ${figure.goal}` : ''}${ratio}`);
  }
}
rmSync(scratch, { recursive: true, force: true });
writeFileSync(args.out, JSON.stringify(results, null, 2) + '\n');
console.log(`\nfigures merged into ${args.out} (commit ${commit})`);
process.exit(failed ? 1 : 0);
