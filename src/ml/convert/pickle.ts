/**
 * A minimal, safe Python unpickler for what `torch.save` writes (protocols 2–5).
 *
 * It never executes code: GLOBAL/STACK_GLOBAL resolve only through the `globals`
 * callback the caller supplies, and unknown globals become inert `PyGlobal`
 * markers so the caller can report exactly what it could not understand.
 * No maintained npm package handles torch's persistent storage ids, so this
 * stays small and local instead.
 */

import { PyGlobal, PyObject, type UnpickleHooks } from './pyTypes';
import { ByteReader, UnpicklingError } from './byteReader';

export { PyGlobal, PyObject, UnpicklingError, type UnpickleHooks };

const MARK = Symbol('mark');


export interface UnpickleResult {
  value: unknown;
  /** Offset just past the STOP opcode (legacy torch files hold several pickles back to back). */
  end: number;
}

export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks = {}, start = 0): UnpickleResult {
  const r = new ByteReader(bytes, start);
  const { need, u8, u16, u32, i32, u64, take, line } = r.ops();
  const view = r.view;
  const decoder = new TextDecoder('utf-8');
  const latin1 = new TextDecoder('latin1');
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  const callables = new Map<PyGlobal, (...args: unknown[]) => unknown>();

  const popMark = (): unknown[] => {
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i] === MARK) {
        const items = stack.splice(i);
        items.shift();
        return items;
      }
    }
    throw new UnpicklingError('MARK not found');
  };
  const pop = () => {
    if (stack.length === 0) throw new UnpicklingError('stack underflow');
    return stack.pop();
  };
  const top = () => {
    if (stack.length === 0) throw new UnpicklingError('stack underflow');
    return stack[stack.length - 1];
  };
  const makeGlobal = (module: string, name: string) => {
    const g = new PyGlobal(module, name);
    const fn = hooks.findClass?.(module, name);
    if (fn) callables.set(g, fn);
    return g;
  };
  const call = (fn: unknown, args: unknown) => {
    const list = Array.isArray(args) ? args : [];
    if (fn instanceof PyGlobal) {
      const impl = callables.get(fn);
      if (impl) return impl(...list);
      if (fn.module === 'collections' && fn.name === 'OrderedDict') return new Map();
      if (fn.module === 'builtins' && fn.name === 'set') return new Set(list[0] as unknown[]);
      return new PyObject(fn, list);
    }
    throw new UnpicklingError('REDUCE on a non-callable');
  };
  const setItem = (target: unknown, k: unknown, v: unknown) => {
    if (target instanceof Map) target.set(k, v);
    else if (target !== null && typeof target === 'object') (target as Record<string, unknown>)[String(k)] = v;
    else throw new UnpicklingError('SETITEM on a non-dict');
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return { value: pop(), end: r.pos };
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x8f: // EMPTY_SET
        stack.push(new Set());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement
        const n = u8();
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        if (n > 0 && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: {
        // BINFLOAT (big-endian double)
        need(8);
        stack.push(view.getFloat64(r.pos, false));
        r.pos += 8;
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(decoder.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(decoder.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(decoder.decode(take(u64())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8())));
        break;
      case 0x54: // BINSTRING
        stack.push(latin1.decode(take(u32())));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()).slice());
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        const name = line();
        stack.push(makeGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        stack.push(makeGlobal(String(module), String(name)));
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const idx = op === 0x68 ? u8() : u32();
        if (!memo.has(idx)) throw new UnpicklingError(`memo ${idx} missing`);
        stack.push(memo.get(idx));
        break;
      }
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        (top() as unknown[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        // One at a time: push(...items) overflows the call stack for a few hundred thousand items.
        const list = top() as unknown[];
        for (const it of items) list.push(it);
        break;
      }
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top() as Set<unknown>;
        for (const i of items) s.add(i);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItem(top(), k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const target = top();
        for (let i = 0; i + 1 < items.length; i += 2) setItem(target, items[i], items[i + 1]);
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        stack.push(call(fn, args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args));
        break;
      }
      case 0x62: {
        // BUILD: torch uses it to attach `_metadata` to state dicts; keep it but do not interpret.
        const state = pop();
        const obj = top();
        if (obj instanceof PyObject) obj.state = state;
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (!hooks.persistentLoad) throw new UnpicklingError('persistent id without a loader');
        stack.push(hooks.persistentLoad(pid));
        break;
      }
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        throw new UnpicklingError(`unsupported pickle opcode 0x${op.toString(16)} at byte ${r.pos - 1}`);
    }
  }
}
