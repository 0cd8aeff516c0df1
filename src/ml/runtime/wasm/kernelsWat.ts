/**
 * The source of our hand-written WASM kernels, one module over the WASM backend's memory
 * (imported, so no copy). `npm run gen:kernels` assembles it (wabt) into kernelsBinary.ts; a unit
 * test fails when that file is stale.
 *
 * gemv: y = x·W for a few rows of x and a big W, reading W where TF.js keeps it. XNNPACK packs a
 * second copy of every weight matrix it multiplies by (VGG16's fc6–fc8: 494 MB of heap that never
 * shrinks) — worth it for a batch, not for the one row of a saliency map, which is bound by
 * reading W once either way.
 * gemv(x, w, y, m, k, n): x is m×k, W is k×n, y is m×n (row-major f32, byte addresses);
 * n a multiple of 4. Rows of W are taken four at a time: each block of W (4 × n) is read from
 * memory once and reused from cache for the m rows of x.
 *
 * gemvrows: the same product over the rows of W listed in idx (i32 row numbers, ascending): the
 * rows where x is not zero in any of its m rows, so a ReLU'd input (VGG16's pool5: 40 % zeros with
 * random weights, more with trained ones) reads only the rows of W it needs — the product is bound
 * by reading W. The sums are grouped differently from gemv's (four listed rows at a time).
 * gemvrows(x, w, y, m, k, n, idx, count): byte addresses as gemv's, idx holding count rows.
 *
 * momentum: one SGD-with-momentum step in one pass, a' = m·a + g and v' = c·a' + v (c = −lr),
 * written to fresh outputs — the products and sums TF.js's MomentumOptimizer computes, in its
 * order and rounding (no fused multiply-add), where it makes four passes and two temporaries.
 * momentum(v, a, g, vOut, aOut, len, m, c): byte addresses, len floats.
 *
 * maxpool2grad: the input gradient of a 2×2, stride-2, valid max pool (VGG16's five pools), NHWC:
 * each window's gradient goes to the first position, in row order, that holds its maximum (the
 * pool's output), as TF.js's CPU kernel routes it; rows and columns no window covers get 0. The
 * stock WASM kernel took 132 ms of a 1.15 s VGG16 map, its forward pool 2 ms.
 * maxpool2grad(x, y, dy, dx, batch, h, w, c): byte addresses; c a multiple of 4.
 *
 * relugrad: ReLU's input gradient dx = dy·step(x) in one pass, where TF.js runs Step, Cast and
 * Multiply (three passes, two temporaries). step(x) is 1 for x > 0, NaN for NaN, else 0, as the
 * stock Step kernel gives, and the product is the same multiply, so the bits match (−0 included).
 * relugrad(x, dy, dx, len): byte addresses, len floats.
 *
 * spmm, pack32, csrcols: a big layer's sparse weight gradient; see kernelsWatSparse.ts.
 */
import { sparseFuncsWat } from './kernelsWatSparse';

/** The sum of some i32 locals, as WAT. */
const sum = (...locals: string[]): string => locals.map((l) => `(local.get ${l})`).reduce((a, b) => `(i32.add ${a} ${b})`);

export function kernelsWat(shared: boolean): string {
  const mem = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  const at = (base: string) => `(i32.add (local.get ${base}) (local.get $j))`;
  const term = (a: string, w: string) => `(f32x4.mul (local.get ${a}) (v128.load ${at(w)}))`;
  // y[r, :] += a0·W[w0, :] + … + a3·W[w3, :] (the GEMVs' inner loop), and the one-row form.
  const rowsOf4 = `(local.set $j (i32.const 0))
        (block $bj (loop $lj
          (br_if $bj (i32.ge_u (local.get $j) (local.get $nb)))
          (v128.store ${at('$yr')}
            (f32x4.add (v128.load ${at('$yr')})
              (f32x4.add (f32x4.add ${term('$a0', '$w0')} ${term('$a1', '$w1')})
                         (f32x4.add ${term('$a2', '$w2')} ${term('$a3', '$w3')}))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $lj)))`;
  const rowOf1 = `(local.set $j (i32.const 0))
        (block $bj1 (loop $lj1
          (br_if $bj1 (i32.ge_u (local.get $j) (local.get $nb)))
          (v128.store ${at('$yr')} (f32x4.add (v128.load ${at('$yr')}) ${term('$a0', '$w0')}))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $lj1)))`;
  return `(module
  (import "env" "memory" ${mem})
  (func (export "gemv") (param $x i32) (param $w i32) (param $y i32) (param $m i32) (param $k i32) (param $n i32)
    (local $nb i32) (local $k4 i32) (local $i i32) (local $r i32) (local $j i32) (local $xr i32) (local $yr i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (memory.fill (local.get $y) (i32.const 0) (i32.mul (local.get $m) (local.get $nb)))
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (block $bi (loop $li
      (br_if $bi (i32.ge_u (local.get $i) (local.get $k4)))
      (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $i) (local.get $nb))))
      (local.set $w1 (i32.add (local.get $w0) (local.get $nb)))
      (local.set $w2 (i32.add (local.get $w1) (local.get $nb)))
      (local.set $w3 (i32.add (local.get $w2) (local.get $nb)))
      (local.set $r (i32.const 0))
      (block $br (loop $lr
        (br_if $br (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $xr (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $i)) (i32.const 2))))
        (local.set $a0 (v128.load32_splat (local.get $xr)))
        (local.set $a1 (v128.load32_splat offset=4 (local.get $xr)))
        (local.set $a2 (v128.load32_splat offset=8 (local.get $xr)))
        (local.set $a3 (v128.load32_splat offset=12 (local.get $xr)))
        (local.set $yr (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $nb))))
        ${rowsOf4}
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $lr)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $li)))
    ;; the last k mod 4 rows of W, one at a time
    (block $bt (loop $lt
      (br_if $bt (i32.ge_u (local.get $i) (local.get $k)))
      (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $i) (local.get $nb))))
      (local.set $r (i32.const 0))
      (block $br1 (loop $lr1
        (br_if $br1 (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $a0 (v128.load32_splat (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $i)) (i32.const 2)))))
        (local.set $yr (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $nb))))
        ${rowOf1}
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $lr1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $lt))))
  (func (export "gemvrows") (param $x i32) (param $w i32) (param $y i32) (param $m i32) (param $k i32) (param $n i32) (param $idx i32) (param $cnt i32)
    (local $nb i32) (local $c4 i32) (local $b i32) (local $r i32) (local $j i32) (local $xr i32) (local $yr i32) (local $ib i32)
    (local $i0 i32) (local $i1 i32) (local $i2 i32) (local $i3 i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (memory.fill (local.get $y) (i32.const 0) (i32.mul (local.get $m) (local.get $nb)))
    (local.set $c4 (i32.and (local.get $cnt) (i32.const -4)))
    (block $bi (loop $li
      (br_if $bi (i32.ge_u (local.get $b) (local.get $c4)))
      (local.set $ib (i32.add (local.get $idx) (i32.shl (local.get $b) (i32.const 2))))
      (local.set $i0 (i32.shl (i32.load (local.get $ib)) (i32.const 2)))
      (local.set $i1 (i32.shl (i32.load offset=4 (local.get $ib)) (i32.const 2)))
      (local.set $i2 (i32.shl (i32.load offset=8 (local.get $ib)) (i32.const 2)))
      (local.set $i3 (i32.shl (i32.load offset=12 (local.get $ib)) (i32.const 2)))
      (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $i0) (local.get $n))))
      (local.set $w1 (i32.add (local.get $w) (i32.mul (local.get $i1) (local.get $n))))
      (local.set $w2 (i32.add (local.get $w) (i32.mul (local.get $i2) (local.get $n))))
      (local.set $w3 (i32.add (local.get $w) (i32.mul (local.get $i3) (local.get $n))))
      (local.set $r (i32.const 0))
      (block $br (loop $lr
        (br_if $br (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $xr (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2))))
        (local.set $a0 (v128.load32_splat (i32.add (local.get $xr) (local.get $i0))))
        (local.set $a1 (v128.load32_splat (i32.add (local.get $xr) (local.get $i1))))
        (local.set $a2 (v128.load32_splat (i32.add (local.get $xr) (local.get $i2))))
        (local.set $a3 (v128.load32_splat (i32.add (local.get $xr) (local.get $i3))))
        (local.set $yr (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $nb))))
        ${rowsOf4}
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $lr)))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (br $li)))
    ;; the last count mod 4 listed rows, one at a time
    (block $bt (loop $lt
      (br_if $bt (i32.ge_u (local.get $b) (local.get $cnt)))
      (local.set $i0 (i32.shl (i32.load (i32.add (local.get $idx) (i32.shl (local.get $b) (i32.const 2)))) (i32.const 2)))
      (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $i0) (local.get $n))))
      (local.set $r (i32.const 0))
      (block $br1 (loop $lr1
        (br_if $br1 (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $a0 (v128.load32_splat (i32.add (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2))) (local.get $i0))))
        (local.set $yr (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $nb))))
        ${rowOf1}
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $lr1)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $lt))))
  (func (export "momentum") (param $v i32) (param $a i32) (param $g i32) (param $vo i32) (param $ao i32) (param $len i32) (param $m f32) (param $c f32)
    (local $i i32) (local $end i32) (local $mm v128) (local $cc v128) (local $acc v128) (local $s f32)
    (local.set $mm (f32x4.splat (local.get $m)))
    (local.set $cc (f32x4.splat (local.get $c)))
    (local.set $end (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2)))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $acc (f32x4.add (f32x4.mul (local.get $mm) (v128.load (i32.add (local.get $a) (local.get $i)))) (v128.load (i32.add (local.get $g) (local.get $i)))))
      (v128.store (i32.add (local.get $ao) (local.get $i)) (local.get $acc))
      (v128.store (i32.add (local.get $vo) (local.get $i)) (f32x4.add (f32x4.mul (local.get $cc) (local.get $acc)) (v128.load (i32.add (local.get $v) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l)))
    ;; the last len mod 4 values, one at a time
    (local.set $end (i32.shl (local.get $len) (i32.const 2)))
    (block $bt (loop $lt
      (br_if $bt (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $s (f32.add (f32.mul (local.get $m) (f32.load (i32.add (local.get $a) (local.get $i)))) (f32.load (i32.add (local.get $g) (local.get $i)))))
      (f32.store (i32.add (local.get $ao) (local.get $i)) (local.get $s))
      (f32.store (i32.add (local.get $vo) (local.get $i)) (f32.add (f32.mul (local.get $c) (local.get $s)) (f32.load (i32.add (local.get $v) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $lt))))
  (func (export "maxpool2grad") (param $x i32) (param $y i32) (param $dy i32) (param $dx i32) (param $batch i32) (param $h i32) (param $w i32) (param $c i32)
    (local $ho i32) (local $wo i32) (local $cb i32) (local $rowb i32) (local $b i32) (local $i i32) (local $j i32) (local $k i32)
    (local $p i32) (local $q i32) (local $m v128) (local $g v128) (local $ma v128) (local $mb v128) (local $mc v128) (local $md v128) (local $seen v128)
    (local.set $ho (i32.shr_u (local.get $h) (i32.const 1)))
    (local.set $wo (i32.shr_u (local.get $w) (i32.const 1)))
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowb (i32.mul (local.get $w) (local.get $cb)))
    (memory.fill (local.get $dx) (i32.const 0) (i32.mul (i32.mul (local.get $batch) (local.get $h)) (local.get $rowb)))
    (block $bb (loop $lb
      (br_if $bb (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $i (i32.const 0))
      (block $bi (loop $li
        (br_if $bi (i32.ge_u (local.get $i) (local.get $ho)))
        (local.set $j (i32.const 0))
        (block $bj (loop $lj
          (br_if $bj (i32.ge_u (local.get $j) (local.get $wo)))
          ;; byte offset of the window's top-left pixel: row b·h + 2i, column 2j
          (local.set $p (i32.add
            (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.shl (local.get $i) (i32.const 1))) (local.get $rowb))
            (i32.mul (i32.shl (local.get $j) (i32.const 1)) (local.get $cb))))
          (local.set $k (i32.const 0))
          (block $bk (loop $lk
            (br_if $bk (i32.ge_u (local.get $k) (local.get $cb)))
            (local.set $m (v128.load (i32.add (local.get $y) (local.get $q))))
            (local.set $g (v128.load (i32.add (local.get $dy) (local.get $q))))
            ;; the first position (row-major) holding the window's maximum takes the gradient
            (local.set $ma (f32x4.eq (v128.load ${sum('$x', '$p', '$k')}) (local.get $m)))
            (local.set $mb (v128.andnot (f32x4.eq (v128.load ${sum('$x', '$p', '$k', '$cb')}) (local.get $m)) (local.get $ma)))
            (local.set $seen (v128.or (local.get $ma) (local.get $mb)))
            (local.set $mc (v128.andnot (f32x4.eq (v128.load ${sum('$x', '$p', '$k', '$rowb')}) (local.get $m)) (local.get $seen)))
            (local.set $seen (v128.or (local.get $seen) (local.get $mc)))
            (local.set $md (v128.andnot (f32x4.eq (v128.load ${sum('$x', '$p', '$k', '$rowb', '$cb')}) (local.get $m)) (local.get $seen)))
            (v128.store ${sum('$dx', '$p', '$k')} (v128.and (local.get $g) (local.get $ma)))
            (v128.store ${sum('$dx', '$p', '$k', '$cb')} (v128.and (local.get $g) (local.get $mb)))
            (v128.store ${sum('$dx', '$p', '$k', '$rowb')} (v128.and (local.get $g) (local.get $mc)))
            (v128.store ${sum('$dx', '$p', '$k', '$rowb', '$cb')} (v128.and (local.get $g) (local.get $md)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $lk)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $lj)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $li)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $lb))))
  (func (export "relugrad") (param $x i32) (param $dy i32) (param $dx i32) (param $len i32)
    (local $i i32) (local $end i32) (local $v v128) (local $s f32) (local $one v128) (local $nan v128)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $nan (f32x4.splat (f32.const nan)))
    (local.set $end (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2)))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
      (v128.store (i32.add (local.get $dx) (local.get $i))
        (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $i)))
          (v128.or (v128.and (f32x4.gt (local.get $v) (f32x4.splat (f32.const 0))) (local.get $one))
                   (v128.and (f32x4.ne (local.get $v) (local.get $v)) (local.get $nan)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l)))
    ;; the last len mod 4 values, one at a time
    (local.set $end (i32.shl (local.get $len) (i32.const 2)))
    (block $bt (loop $lt
      (br_if $bt (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $s (f32.load (i32.add (local.get $x) (local.get $i))))
      (f32.store (i32.add (local.get $dx) (local.get $i))
        (f32.mul (f32.load (i32.add (local.get $dy) (local.get $i)))
          (select (f32.const 1) (select (f32.const nan) (f32.const 0) (f32.ne (local.get $s) (local.get $s))) (f32.gt (local.get $s) (f32.const 0)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $lt))))
${sparseFuncsWat()})`;
}
