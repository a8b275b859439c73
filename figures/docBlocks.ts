/**
 * Generated blocks in the docs: `<!-- figures:NAME -->` … `<!-- /figures:NAME -->`. Everything between the two
 * markers belongs to `npm run docs:figures`; the text around them is written by hand.
 */
const OPEN = /<!-- figures:([a-z][a-z0-9-]*) -->\n/g;

export class DocBlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DocBlockError";
  }
}

const closing = (name: string): string => `<!-- /figures:${name} -->`;

/** The names of the blocks a document holds, in order; throws when a block is not closed. */
export function blockNames(doc: string, file: string): string[] {
  const names: string[] = [];
  for (const m of doc.matchAll(OPEN)) {
    const name = m[1];
    const end = doc.indexOf(closing(name), (m.index ?? 0) + m[0].length);
    if (end < 0) throw new DocBlockError(`${file}: block "${name}" opened by "<!-- figures:${name} -->" is never closed by "${closing(name)}"`);
    if (names.includes(name)) throw new DocBlockError(`${file}: block "${name}" appears twice`);
    names.push(name);
  }
  return names;
}

/**
 * The document with each named block's content replaced by `render(name)`. A block the renderer does not know
 * (returns undefined) is an error naming the file and the block: a typo in a marker must not go unnoticed.
 */
export function fillBlocks(doc: string, file: string, render: (name: string) => string | undefined): string {
  let out = doc;
  for (const name of blockNames(doc, file)) {
    const content = render(name);
    if (content === undefined) throw new DocBlockError(`${file}: no figures for block "${name}" (known blocks are listed by \`npm run docs:figures -- --help\`)`);
    const start = out.indexOf(`<!-- figures:${name} -->\n`) + `<!-- figures:${name} -->\n`.length;
    const end = out.indexOf(closing(name), start);
    out = `${out.slice(0, start)}${content.replace(/\n*$/, "\n")}${out.slice(end)}`;
  }
  return out;
}
