import { renderBenchTable } from "./benchFigures";
import { renderDemoSweep } from "./demoFigures";
import type { FiguresFile } from "./figuresFile";
import { renderQualityTable } from "./qualityFigures";

/** Every block the docs may hold, what fills it, and the group of figures it needs. */
export const BLOCKS: Readonly<Record<string, { readonly group: "demo" | "quality" | "bench"; readonly what: string }>> = {
  "demo-output": { group: "demo", what: "what `npm start` prints: its first alert and final table" },
  "demo-sweep": { group: "demo", what: "the demo over seeds 1–8 in words, and `npm start`'s wall time" },
  quality: { group: "quality", what: "the quality table of `npm run quality`" },
  bench: { group: "bench", what: "the speed-and-size table of `npm run bench`" },
};

/** A block's content from the figures, or undefined for an unknown block; throws when its figures are missing. */
export function renderBlock(name: string, f: FiguresFile, source: string): string | undefined {
  const block = BLOCKS[name];
  if (block === undefined) return undefined;
  const missing = () => new Error(`${source} holds no ${block.group} figures for block "${name}": run \`npm run docs:figures -- --only ${block.group}\``);
  switch (name) {
    case "demo-output":
      if (!f.demo) throw missing();
      return `\`\`\`\n${f.demo.excerpt}\n\`\`\``;
    case "demo-sweep":
      if (!f.demo) throw missing();
      return renderDemoSweep(f.demo);
    case "quality":
      if (!f.quality) throw missing();
      return renderQualityTable(f.quality);
    default:
      if (!f.bench) throw missing();
      return renderBenchTable(f.bench);
  }
}
