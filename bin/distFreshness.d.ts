/** Types of bin/distFreshness.js (plain JavaScript: bin/cad.js reads it before anything is compiled). */
export declare const ROOT: string;
export declare const DIST: string;
export declare const BUILD_INFO: string;
/** Why dist/ cannot be run as it is ("" when it can): missing, unfinished, or older than a source file. */
export declare function distProblem(root?: string): string;
