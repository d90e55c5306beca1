/**
 * Task items from a markdown checklist, read with a real markdown parser (micromark
 * with GFM task items and strikethrough) so that items inside HTML comments or code
 * blocks are not items at all, nesting is structural, and every item has its line.
 */
import type { Heading, List, ListItem, Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { toString } from 'mdast-util-to-string';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { OperationalError } from '../errors.js';

export interface ChecklistItem {
  /** Where the checklist came from, as people call it ("pull request #12", "RELEASE_CHECKLIST.md"). */
  source: string;
  /** The repository file, for annotations; absent for issue and pull request bodies. */
  file?: string;
  line: number;
  /** The headings the item sits under, outermost first. */
  section: readonly string[];
  text: string;
  checked: boolean;
  /** Every word of the item is struck through. */
  struck: boolean;
  /** 0 for a top-level item, 1 for an item nested under another, … */
  depth: number;
}

export interface ChecklistSource {
  source: string;
  file?: string;
  markdown: string;
}

/**
 * Block quotes a checklist may nest. The parser checks every open container on every
 * line, so its work grows with depth times length: 60 000 nested '>' (120 KiB, inside
 * the size bound) kept it busy past a minute. Refused before parsing, in one line.
 */
export const MAX_QUOTE_NESTING = 100;

function deepestQuote(markdown: string): number {
  let deepest = 0;
  for (const prefix of markdown.matchAll(/^[ \t>]*/gm)) {
    let depth = 0;
    for (const c of prefix[0]) if (c === '>') depth++;
    if (depth > deepest) deepest = depth;
  }
  return deepest;
}

/**
 * Separate lists and quotes a checklist may hold. micromark's work grows with the
 * square of their number (measured: 4 000 quotes each followed by a heading, 40 KiB,
 * take 8 s; one list of 20 000 items stays linear), so a body built of thousands of
 * them is refused before parsing rather than left to run for minutes.
 */
export const MAX_CONTAINER_RUNS = 1000;

const CONTAINER_START = /^ {0,3}(?:>|[-*+] |\d{1,9}[.)] )/;

/** How many times a list or quote starts after a line that was in neither. */
function containerRuns(markdown: string): number {
  let runs = 0;
  let inside = false;
  for (const line of markdown.split('\n')) {
    if (line.trim() === '') continue;
    const container = CONTAINER_START.test(line);
    if (container && !inside) runs++;
    // An indented line continues the item it follows; anything else ends the run.
    inside = container || (inside && /^\s/.test(line));
  }
  return runs;
}

export function parseChecklist(checklist: ChecklistSource): ChecklistItem[] {
  const quoted = deepestQuote(checklist.markdown);
  if (quoted > MAX_QUOTE_NESTING)
    throw new OperationalError(
      `${checklist.source} is nested too deeply to read as a checklist (${quoted} levels of >; at most ${MAX_QUOTE_NESTING})`,
    );
  const runs = containerRuns(checklist.markdown);
  if (runs > MAX_CONTAINER_RUNS)
    throw new OperationalError(
      `${checklist.source} holds ${runs} separate lists or quotes; a checklist may hold at most ${MAX_CONTAINER_RUNS} (put its items in fewer lists)`,
    );
  try {
    return itemsOf(checklist);
  } catch (error) {
    // The parser and the tree walk recurse once per level of nesting: thousands of
    // '>' exhaust the stack.
    if (error instanceof RangeError)
      throw new OperationalError(
        `${checklist.source} is nested too deeply to read as a checklist (thousands of levels of > or lists)`,
      );
    throw error;
  }
}

function itemsOf({ source, file, markdown }: ChecklistSource): ChecklistItem[] {
  const tree: Root = fromMarkdown(markdown, {
    extensions: [gfmTaskListItem(), gfmStrikethrough()],
    mdastExtensions: [gfmTaskListItemFromMarkdown(), gfmStrikethroughFromMarkdown()],
  });
  const items: ChecklistItem[] = [];
  const headings: { depth: number; text: string }[] = [];

  const visitList = (list: List, depth: number) => {
    for (const item of list.children) visitItem(item, depth);
  };
  const visitItem = (item: ListItem, depth: number) => {
    const nestedDepth = typeof item.checked === 'boolean' ? depth + 1 : depth;
    if (typeof item.checked === 'boolean') {
      const own = item.children.filter((c) => c.type !== 'list');
      items.push({
        source,
        ...(file !== undefined && { file }),
        line: item.position?.start.line ?? 0,
        section: headings.map((h) => h.text),
        text: own
          .map((c) => toString(c))
          .join(' ')
          .replace(/\s+/g, ' ')
          .trim(),
        checked: item.checked,
        struck: own.length > 0 && own.every(isStruck),
        depth,
      });
    }
    for (const child of item.children) if (child.type === 'list') visitList(child, nestedDepth);
  };
  const visitBlock = (node: Nodes) => {
    if (node.type === 'heading') {
      const heading = node as Heading;
      while (headings.length && (headings.at(-1) as { depth: number }).depth >= heading.depth) headings.pop();
      headings.push({ depth: heading.depth, text: toString(heading).trim() });
    } else if (node.type === 'list') visitList(node, 0);
    else if (node.type === 'blockquote') for (const child of node.children) visitBlock(child);
  };
  for (const node of tree.children) visitBlock(node);
  return items;
}

/** A paragraph whose words are all inside ~~strikethrough~~. */
function isStruck(node: Nodes): boolean {
  if (node.type !== 'paragraph') return false;
  const meaningful = node.children.filter((c) => !(c.type === 'text' && c.value.trim() === ''));
  return meaningful.length > 0 && meaningful.every((c) => c.type === 'delete');
}
