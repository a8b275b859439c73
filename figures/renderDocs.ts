import * as fs from "node:fs";
import * as path from "node:path";
import { fillBlocks } from "./docBlocks";
import type { FiguresFile } from "./figuresFile";
import { renderBlock } from "./renderFigures";

/** The repository root (figures/ sits in it). */
export const ROOT = path.join(__dirname, "..");

/** README.md and every docs/*.md: the files that may hold generated blocks. */
export function docFiles(root = ROOT): string[] {
  const docs = path.join(root, "docs");
  return [path.join(root, "README.md"), ...fs.readdirSync(docs).filter((f) => f.endsWith(".md")).sort().map((f) => path.join(docs, f))];
}

/** Each doc file rendered from the figures, with whether it differs from what is on disk. */
export function renderDocs(figures: FiguresFile, figuresPath: string, root = ROOT): { file: string; text: string; changed: boolean }[] {
  return docFiles(root).map((file) => {
    const before = fs.readFileSync(file, "utf8");
    const text = fillBlocks(before, path.relative(root, file), (name) => renderBlock(name, figures, path.relative(root, figuresPath)));
    return { file, text, changed: text !== before };
  });
}

