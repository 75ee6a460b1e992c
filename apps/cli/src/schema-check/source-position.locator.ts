/**
 * Turns a finding's file and JSON pointer into the line and column an editor or a GitHub annotation
 * needs, reading each file once. A finding about a file that no longer exists (a deleted version) or
 * about a folder has no line; the reporters then name the file alone.
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

import type { Finding, Position } from './finding.types';
import { JsonPositionIndex } from './json-position.locator';
import { YamlPositionIndex } from './yaml-position.locator';

type PositionIndex = { positionOf(pointer: string): Position };

/** The catalog loader puts syntax-error positions into its messages: "invalid JSON at line 3, column 5". */
const POSITION_IN_MESSAGE = /\bat line (\d+), column (\d+)\b/;

export class SourcePositionLocator {
  private readonly indexes = new Map<string, Promise<PositionIndex | undefined>>();

  /** `root`: the folder finding paths are relative to. */
  constructor(private readonly root: string) {}

  async locate(finding: Finding): Promise<Position | undefined> {
    if (finding.position !== undefined) return finding.position;
    const index = await this.indexFor(finding.file);
    if (index === undefined) return undefined;
    const stated = POSITION_IN_MESSAGE.exec(finding.message);
    if (stated?.[1] !== undefined && stated[2] !== undefined && finding.pointer === '')
      return { line: Number(stated[1]), column: Number(stated[2]) };
    return index.positionOf(finding.pointer);
  }

  private indexFor(file: string): Promise<PositionIndex | undefined> {
    let index = this.indexes.get(file);
    if (index === undefined) {
      index = readFile(join(this.root, file), 'utf8').then(
        (text) => indexText(file, text),
        // Missing, or a folder (EISDIR): nothing to point into.
        () => undefined,
      );
      this.indexes.set(file, index);
    }
    return index;
  }
}

function indexText(file: string, text: string): PositionIndex {
  const extension = extname(file);
  if (extension === '.yaml' || extension === '.yml') return YamlPositionIndex.of(text);
  if (extension === '.avsc' || extension === '.json') return JsonPositionIndex.of(text);
  return { positionOf: () => ({ line: 1, column: 1 }) };
}
