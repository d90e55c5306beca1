/**
 * The CHANGELOG has a section for the version being released ("## [1.4.0] - …",
 * "## v1.4.0", "# 1.4.0 (2026-11-28)"), and the section says something.
 */
import type { Heading } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { toString } from 'mdast-util-to-string';
import type { FactResult } from './fact.js';

export function checkChangelog(file: string, markdown: string, version: string): FactResult {
  const tree = fromMarkdown(markdown);
  const escaped = version.replace(/[.+]/g, (c) => `\\${c}`);
  const names = new RegExp(`(^|[^\\w.+-])v?${escaped}(?![\\w.+-])`);
  const index = tree.children.findIndex((n) => n.type === 'heading' && names.test(toString(n)));
  if (index < 0)
    return {
      fact: 'changelog',
      passed: false,
      file,
      message: `${file} has no section for ${version}; add a heading such as "## [${version}] - <date>" with the release notes`,
    };
  const heading = tree.children[index] as Heading;
  const line = heading.position?.start.line;
  const rest = tree.children.slice(index + 1);
  const end = rest.findIndex((n) => n.type === 'heading' && n.depth <= heading.depth);
  const body = end < 0 ? rest : rest.slice(0, end);
  if (!body.some((n) => n.type !== 'heading' && n.type !== 'thematicBreak' && toString(n).trim() !== ''))
    return {
      fact: 'changelog',
      passed: false,
      file,
      ...(line !== undefined && { line }),
      message: `the ${version} section of ${file} is empty; write what changed under it`,
    };
  return {
    fact: 'changelog',
    passed: true,
    file,
    ...(line !== undefined && { line }),
    message: `${file} has a section for ${version}`,
  };
}
