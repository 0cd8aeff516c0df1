/** The Python values the unpickler hands back for what it does not model: inert globals and objects, and its hooks. */

export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An object created by REDUCE/NEWOBJ on a global we do not model. */
export class PyObject {
  state: unknown = undefined;
  constructor(
    readonly cls: PyGlobal,
    readonly args: unknown[],
  ) {}
}

export interface UnpickleHooks {
  /** Called for GLOBAL; return a callable to use on REDUCE, or undefined for an inert marker. */
  findClass?: (module: string, name: string) => ((...args: unknown[]) => unknown) | undefined;
  /** Called for BINPERSID / PERSID. */
  persistentLoad?: (pid: unknown) => unknown;
}

