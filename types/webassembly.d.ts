/**
 * The part of the WebAssembly JavaScript API the forest engine uses (runtime/model/forestArena.ts): Node has it
 * built in, but the project compiles against ES2022 and @types/node, which declare none of it.
 */
declare namespace WebAssembly {
  interface MemoryDescriptor {
    /** Size in 64 KiB pages. */
    initial: number;
    maximum?: number;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    /** Grows by `delta` pages; returns the previous size in pages. */
    grow(delta: number): number;
  }
  // A compiled module: opaque to JavaScript, passed to Instance (a platform class, declared as it is).
  // eslint-disable-next-line @typescript-eslint/no-extraneous-class
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
