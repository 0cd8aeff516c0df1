/**
 * Our sparse kernels, as WAT functions for kernelsWat.ts's module (over the backend's memory).
 *
 * spmm: out = Sᵀ·B for a mostly-zero S (m×k) and a dense B (m×n): a dense layer's weight gradient
 * dyᵀ·x where dy sits behind a ReLU (half zeros: the products of zeros are skipped). S comes by
 * columns (csrcols: for each of its k columns, the (row, value) pairs that are not zero), B
 * packed by pack32: its columns in blocks of 32 (then 4), each block's m rows 128 bytes apart —
 * read in place, rows n floats apart alias in the cache and the TLB (a third of the speed). Output
 * rows are written a block of rblock rows at a time, so a block's stores stay in cache; columns 32
 * at a time (eight accumulators in registers), entries four at a time, then one.
 * spmm(ptr, ent, bp, out, n, m, r0, r1, rblock): rows [r0, r1) of out (k × n floats); ptr holds
 * k + 1 i32 entry numbers, ent 8-byte entries (i32 row of B × 128, f32 value), bp pack32's output.
 * pack32(b, m, n, out): B's column blocks one after another, 32·m floats each (n a multiple of 4).
 * csrcols(x, m, k, ptr, ent, cur, max): spmm's entries for S = x (m×k f32), every value that is
 * not 0 (NaN included), rows in order; ptr k + 1 i32, ent 8 bytes per non-zero, cur k i32 of
 * scratch. Returns the number of entries; above max it only counts them (ent left unwritten).
 */
/** Byte $j's block of columns: 32 floats each, then 4 (where n is not a multiple of 32), as WAT. */
const blockOf = `(select (i32.shr_u (local.get $j) (i32.const 7)) (i32.add (i32.shr_u (local.get $n32) (i32.const 7)) (i32.shr_u (i32.sub (local.get $j) (local.get $n32)) (i32.const 4))) (i32.lt_u (local.get $j) (local.get $n32)))`;

/** pack32's loop over B's column blocks of q vectors (4q floats), from byte $j. */
function packColumns(q: number, id: string): string {
  return `(block $bj${id} (loop $lj${id}
      (br_if $bj${id} (i32.gt_u (i32.add (local.get $j) (i32.const ${16 * q})) (local.get $nb)))
      (local.set $p (i32.add (local.get $out) (i32.mul (i32.mul ${blockOf} (local.get $m)) (i32.const 128))))
      (local.set $bj (i32.add (local.get $b) (local.get $j)))
      (local.set $r (i32.const 0))
      (block $bp${id} (loop $lp${id}
        (br_if $bp${id} (i32.ge_u (local.get $r) (local.get $m)))
        ${Array.from({ length: q }, (_, i) => `(v128.store offset=${16 * i} (local.get $p) (v128.load offset=${16 * i} (local.get $bj)))`).join(' ')}
        (local.set $bj (i32.add (local.get $bj) (local.get $nb)))
        (local.set $p (i32.add (local.get $p) (i32.const 128)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $lp${id})))
      (local.set $j (i32.add (local.get $j) (i32.const ${16 * q})))
      (br $lj${id})))`;
}

/** The spmm loop over output columns in blocks of q vectors (4q floats) from byte $j, rows $rb to $rend. */
function spmmColumns(q: number, id: string): string {
  const acc = Array.from({ length: q }, (_, i) => `$c${i}`);
  const load = (o: string, i: number) => `(v128.load offset=${16 * i} (local.get ${o}))`;
  const entry = (e: number) => `(local.set $o${e} (i32.add (i32.load offset=${8 * e} (local.get $p)) (local.get $bj)))
              (local.set $v${e} (v128.load32_splat offset=${8 * e + 4} (local.get $p)))`;
  const four = acc
    .map((c, i) => `(local.set ${c} (f32x4.add (local.get ${c}) (f32x4.add
                (f32x4.add (f32x4.mul (local.get $v0) ${load('$o0', i)}) (f32x4.mul (local.get $v1) ${load('$o1', i)}))
                (f32x4.add (f32x4.mul (local.get $v2) ${load('$o2', i)}) (f32x4.mul (local.get $v3) ${load('$o3', i)})))))`)
    .join('\n              ');
  const one = acc.map((c, i) => `(local.set ${c} (f32x4.add (local.get ${c}) (f32x4.mul (local.get $v0) ${load('$o0', i)})))`).join('\n              ');
  return `(block $bj${id} (loop $lj${id}
      (br_if $bj${id} (i32.gt_u (i32.add (local.get $j) (i32.const ${16 * q})) (local.get $nb)))
      (local.set $bj (i32.add (local.get $bp) (i32.mul (i32.mul ${blockOf} (local.get $m)) (i32.const 128))))
      (local.set $r (local.get $rb))
      (block $br${id} (loop $lr${id}
        (br_if $br${id} (i32.ge_u (local.get $r) (local.get $rend)))
        ${acc.map((c) => `(local.set ${c} (v128.const i32x4 0 0 0 0))`).join(' ')}
        (local.set $p (i32.add (local.get $ent) (i32.shl (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 3))))
        (local.set $e (i32.add (local.get $ent) (i32.shl (i32.load offset=4 (i32.add (local.get $ptr) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 3))))
        (local.set $e4 (i32.sub (local.get $e) (i32.and (i32.sub (local.get $e) (local.get $p)) (i32.const 31))))
        (block $b4${id} (loop $l4${id}
          (br_if $b4${id} (i32.ge_u (local.get $p) (local.get $e4)))
          ${[0, 1, 2, 3].map(entry).join('\n          ')}
          ${four}
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (br $l4${id})))
        (block $b1${id} (loop $l1${id}
          (br_if $b1${id} (i32.ge_u (local.get $p) (local.get $e)))
          ${entry(0)}
          ${one}
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (br $l1${id})))
        (local.set $yr (i32.add (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $nb))) (local.get $j)))
        ${acc.map((c, i) => `(v128.store offset=${16 * i} (local.get $yr) (local.get ${c}))`).join(' ')}
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $lr${id})))
      (local.set $j (i32.add (local.get $j) (i32.const ${16 * q})))
      (br $lj${id})))`;
}

/** csrcols' pass over x (m×k, row by row): `body` sees $v = x[$r, $c]. */
function eachValueOfX(id: string, body: string): string {
  return `(local.set $p (local.get $x))
    (local.set $r (i32.const 0))
    (block $br${id} (loop $lr${id}
      (br_if $br${id} (i32.ge_u (local.get $r) (local.get $m)))
      (local.set $c (i32.const 0))
      (block $bc${id} (loop $lc${id}
        (br_if $bc${id} (i32.ge_u (local.get $c) (local.get $k)))
        (local.set $v (f32.load (local.get $p)))
        ${body}
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $lc${id})))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $lr${id})))`;
}

/** spmm, pack32 and csrcols, as WAT functions. */
export function sparseFuncsWat(): string {
  return `  (func (export "spmm") (param $ptr i32) (param $ent i32) (param $bp i32) (param $out i32) (param $n i32) (param $m i32) (param $r0 i32) (param $r1 i32) (param $rblock i32)
    (local $nb i32) (local $n32 i32) (local $j i32) (local $bj i32) (local $rb i32) (local $rend i32)
    (local $r i32) (local $p i32) (local $e i32) (local $e4 i32) (local $yr i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    ${Array.from({ length: 8 }, (_, i) => `(local $c${i} v128)`).join(' ')}
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $n32 (i32.shl (i32.and (local.get $n) (i32.const -32)) (i32.const 2)))
    (local.set $rb (local.get $r0))
    (block $bb (loop $lb
      (br_if $bb (i32.ge_u (local.get $rb) (local.get $r1)))
      (local.set $rend (select (local.get $r1) (i32.add (local.get $rb) (local.get $rblock)) (i32.gt_u (i32.add (local.get $rb) (local.get $rblock)) (local.get $r1))))
      (local.set $j (i32.const 0))
      ${spmmColumns(8, 'w')}
      ${spmmColumns(1, 'n')}
      (local.set $rb (local.get $rend))
      (br $lb))))
  (func (export "pack32") (param $b i32) (param $m i32) (param $n i32) (param $out i32)
    (local $nb i32) (local $n32 i32) (local $j i32) (local $bj i32) (local $r i32) (local $p i32)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $n32 (i32.shl (i32.and (local.get $n) (i32.const -32)) (i32.const 2)))
    ${packColumns(8, 'w')}
    ${packColumns(1, 'n')})
  (func (export "csrcols") (param $x i32) (param $m i32) (param $k i32) (param $ptr i32) (param $ent i32) (param $cur i32) (param $max i32) (result i32)
    (local $r i32) (local $c i32) (local $p i32) (local $t i32) (local $q i32) (local $v f32)
    (memory.fill (local.get $cur) (i32.const 0) (i32.shl (local.get $k) (i32.const 2)))
    ;; count each column's non-zeros
    ${eachValueOfX('1', `(if (f32.ne (local.get $v) (f32.const 0)) (then
          (local.set $q (i32.add (local.get $cur) (i32.shl (local.get $c) (i32.const 2))))
          (i32.store (local.get $q) (i32.add (i32.load (local.get $q)) (i32.const 1)))))`)}
    ;; ptr: where each column's entries start; cur: the next free entry of each
    (local.set $t (i32.const 0))
    (local.set $c (i32.const 0))
    (block $bs (loop $ls
      (br_if $bs (i32.ge_u (local.get $c) (local.get $k)))
      (local.set $q (i32.add (local.get $cur) (i32.shl (local.get $c) (i32.const 2))))
      (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $c) (i32.const 2))) (local.get $t))
      (local.set $t (i32.add (local.get $t) (i32.load (local.get $q))))
      (i32.store (local.get $q) (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $c) (i32.const 2)))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $ls)))
    (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $k) (i32.const 2))) (local.get $t))
    ;; more than max: the caller takes the dense product, nothing to place
    (if (i32.gt_u (local.get $t) (local.get $max)) (then (return (local.get $t))))
    ;; place (row × 128, value), rows in order within each column
    ${eachValueOfX('2', `(if (f32.ne (local.get $v) (f32.const 0)) (then
          (local.set $q (i32.add (local.get $cur) (i32.shl (local.get $c) (i32.const 2))))
          (local.set $t (i32.add (local.get $ent) (i32.shl (i32.load (local.get $q)) (i32.const 3))))
          (i32.store (local.get $t) (i32.shl (local.get $r) (i32.const 7)))
          (f32.store offset=4 (local.get $t) (local.get $v))
          (i32.store (local.get $q) (i32.add (i32.load (local.get $q)) (i32.const 1)))))`)}
    (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $k) (i32.const 2)))))`;
}
