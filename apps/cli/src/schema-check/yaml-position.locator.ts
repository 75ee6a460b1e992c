/**
 * Where a JSON pointer lands in a YAML file (event.yaml, herald.yaml): a mapping entry at its key,
 * a sequence item at its first character, and the nearest existing ancestor when the pointer names
 * something absent (a missing `reason` is reported on the list item that lacks it).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

import { pointerTokens } from '@app/schema';

import type { Position } from './finding.types';

export class YamlPositionIndex {
  private constructor(
    private readonly root: unknown,
    private readonly lines: LineCounter,
  ) {}

  static of(text: string): YamlPositionIndex {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines });
    return new YamlPositionIndex(document.contents, lines);
  }

  positionOf(pointer: string): Position {
    let node: unknown = this.root;
    let offset = rangeStart(node) ?? 0;
    for (const token of pointerTokens(pointer)) {
      const step = this.child(node, token);
      if (step === undefined) break;
      node = step.node;
      offset = step.offset;
    }
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  private child(node: unknown, token: string): { node: unknown; offset: number } | undefined {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === token);
      const offset = pair === undefined ? undefined : rangeStart(pair.key);
      return pair === undefined || offset === undefined ? undefined : { node: pair.value, offset };
    }
    if (isSeq(node) && /^(0|[1-9][0-9]*)$/.test(token)) {
      const item: unknown = node.items[Number(token)];
      const offset = rangeStart(item);
      return offset === undefined ? undefined : { node: item, offset };
    }
    return undefined;
  }
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: unknown }).range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined;
}
