/**
 * The text of a markdown document where GitHub would turn `@name` into a notification
 * and a URL into a link: everything outside fenced blocks and code spans, as a real
 * markdown parser (mdast-util-from-markdown, CommonMark) reads it. Tests assert that
 * text we did not write never reaches it.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import type { Nodes } from 'mdast';

export function linkableText(markdown: string): string {
  const out: string[] = [];
  const walk = (node: Nodes) => {
    if (node.type === 'code' || node.type === 'inlineCode' || node.type === 'html') return;
    if (node.type === 'text') out.push(node.value);
    if ('children' in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(fromMarkdown(markdown));
  return out.join('\n');
}
