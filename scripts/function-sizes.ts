/**
 * Lines per file and per function in actions/ and shared/, largest first: the
 * measure issue 16 sets (no main.ts over ~60 lines, no function over ~60 in shared/).
 * Usage: node --import tsx scripts/function-sizes.ts [--over 60]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const at = process.argv.indexOf('--over');
const over = at > 0 ? Number(process.argv[at + 1]) : 60;

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sources(full);
    else if (name.endsWith('.ts')) yield full;
  }
}

const functions: { where: string; lines: number }[] = [];
const mains: { file: string; lines: number }[] = [];
for (const file of [...sources(path.join(root, 'actions')), ...sources(path.join(root, 'shared'))]) {
  const text = readFileSync(file, 'utf8');
  const rel = path.relative(root, file);
  if (rel.endsWith('main.ts')) mains.push({ file: rel, lines: text.split('\n').length });
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const visit = (node: ts.Node, name: string) => {
    const named =
      ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)
        ? (node.name?.getText() ?? name)
        : ts.isVariableDeclaration(node) && node.initializer && ts.isArrowFunction(node.initializer)
          ? node.name.getText()
          : undefined;
    const body =
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node)
        ? node
        : undefined;
    if (body && (named || ts.isArrowFunction(node) || ts.isFunctionExpression(node))) {
      const lines = lineOf(node.getEnd()) - lineOf(node.getStart()) + 1;
      functions.push({
        where: `${rel}:${lineOf(node.getStart()) + 1} ${named ?? name ?? '(anonymous)'}`,
        lines,
      });
    }
    ts.forEachChild(node, (child) => visit(child, named ?? name));
  };
  visit(source, '');
}
console.log('main.ts files:');
for (const m of mains.sort((a, b) => b.lines - a.lines))
  console.log(`  ${String(m.lines).padStart(4)}  ${m.file}`);
const big = functions
  .filter((f) => f.lines > over && f.where.startsWith('shared/'))
  .sort((a, b) => b.lines - a.lines);
console.log(`functions in shared/ over ${over} lines: ${big.length}`);
for (const f of big) console.log(`  ${String(f.lines).padStart(4)}  ${f.where}`);
