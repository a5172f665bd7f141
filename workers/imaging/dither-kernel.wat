;; Floyd-Steinberg as Pillow's tobilevel (Convert.c), the same arithmetic as ditherRows in
;; dither.ts, bit for bit: level = 255 - grey + trunc(error sum / 16), clamped to 0..255; a dot
;; when level > 128 (then level -= 255); 7/16 right, 3/16 down-left, 5/16 down, 1/16 down-right.
;; The chain from a pixel to its right neighbour is serial, so two rows run side by side, row B
;; one column behind row A (B at column x - 1 needs A's errors up to column x): the CPU runs the
;; two chains at once. Built into dither-kernel-bytes.ts by tools/build-dither-kernel.ts.
;;
;; rows(grey, stride, width, y0, y1, out, bpr, err): rows [y0, y1) of the 8-bit grey plane at
;; `grey` (rows `stride` bytes apart) into 1-bit rows at `out` (`bpr` bytes apart, MSB first,
;; every byte written); `err` holds width + 1 i32 error terms in sixteenths, err[x + 1] for column
;; x of the next row, carried from call to call.
(module
  (memory (export "memory") 1)
  (func (export "rows") (param $grey i32) (param $stride i32) (param $width i32) (param $y0 i32) (param $y1 i32)
        (param $out i32) (param $bpr i32) (param $err i32)
    (local $y i32) (local $x i32) (local $xb i32) (local $e i32)
    ;; per row: sum, level, the 7/16 carry (l), the pending 5/16+1/16 (m) and 1/16 (n) shares,
    ;; the byte being packed, the grey pointer and the output row
    (local $sumA i32) (local $vA i32) (local $lA i32) (local $mA i32) (local $nA i32) (local $bA i32) (local $pA i32) (local $oA i32)
    (local $sumB i32) (local $vB i32) (local $lB i32) (local $mB i32) (local $nB i32) (local $bB i32) (local $pB i32) (local $oB i32)
    (local.set $y (local.get $y0))
    (block $pairsDone (loop $pairs
      (br_if $pairsDone (i32.ge_s (i32.add (local.get $y) (i32.const 1)) (local.get $y1)))
      
      (local.set $pA (i32.add (local.get $grey) (i32.mul (local.get $y) (local.get $stride))))
      (local.set $oA (i32.add (local.get $out) (i32.mul (local.get $y) (local.get $bpr))))
      (local.set $lA (i32.const 0)) (local.set $mA (i32.const 0)) (local.set $nA (i32.const 0)) (local.set $bA (i32.const 0))
      
      (local.set $pB (i32.add (local.get $grey) (i32.mul (i32.add (local.get $y) (i32.const 1)) (local.get $stride))))
      (local.set $oB (i32.add (local.get $out) (i32.mul (i32.add (local.get $y) (i32.const 1)) (local.get $bpr))))
      (local.set $lB (i32.const 0)) (local.set $mB (i32.const 0)) (local.set $nB (i32.const 0)) (local.set $bB (i32.const 0))
      ;; e points at err[x]: row A reads err[x + 1] and writes err[x]; row B reads err[x] (A's
      ;; value, just written) and writes err[x - 1]
      (local.set $x (i32.const 0)) (local.set $e (local.get $err))
      
      ;; row A, column x: level = 255 - grey + trunc(sum / 16), clamped to 0..255
      (local.set $sumA (i32.add (local.get $lA) (i32.load offset=4 (local.get $e))))
      (local.set $vA (i32.add (i32.sub (i32.const 255) (i32.load8_u (local.get $pA)))
        (i32.shr_s (i32.add (local.get $sumA) (i32.and (i32.shr_s (local.get $sumA) (i32.const 31)) (i32.const 15))) (i32.const 4))))
      (local.set $vA (select (i32.const 0) (local.get $vA) (i32.lt_s (local.get $vA) (i32.const 0))))
      (local.set $vA (select (i32.const 255) (local.get $vA) (i32.gt_s (local.get $vA) (i32.const 255))))
      (if (i32.gt_s (local.get $vA) (i32.const 128)) (then
        (local.set $vA (i32.sub (local.get $vA) (i32.const 255)))
        (local.set $bA (i32.or (local.get $bA) (i32.shr_u (i32.const 128) (i32.and (local.get $x) (i32.const 7)))))))
      (if (i32.eq (i32.and (local.get $x) (i32.const 7)) (i32.const 7)) (then
        (i32.store8 (i32.add (local.get $oA) (i32.shr_u (local.get $x) (i32.const 3))) (local.get $bA))
        (local.set $bA (i32.const 0))))
      (i32.store (local.get $e) (i32.add (i32.mul (local.get $vA) (i32.const 3)) (local.get $mA)))
      (local.set $mA (i32.add (i32.mul (local.get $vA) (i32.const 5)) (local.get $nA)))
      (local.set $nA (local.get $vA))
      (local.set $lA (i32.mul (local.get $vA) (i32.const 7)))
      (local.set $pA (i32.add (local.get $pA) (i32.const 1)))
      (local.set $x (i32.const 1)) (local.set $e (i32.add (local.get $err) (i32.const 4)))
      (block $steadyDone (loop $steady
        (br_if $steadyDone (i32.ge_s (local.get $x) (local.get $width)))
        
      ;; row A, column x: level = 255 - grey + trunc(sum / 16), clamped to 0..255
      (local.set $sumA (i32.add (local.get $lA) (i32.load offset=4 (local.get $e))))
      (local.set $vA (i32.add (i32.sub (i32.const 255) (i32.load8_u (local.get $pA)))
        (i32.shr_s (i32.add (local.get $sumA) (i32.and (i32.shr_s (local.get $sumA) (i32.const 31)) (i32.const 15))) (i32.const 4))))
      (local.set $vA (select (i32.const 0) (local.get $vA) (i32.lt_s (local.get $vA) (i32.const 0))))
      (local.set $vA (select (i32.const 255) (local.get $vA) (i32.gt_s (local.get $vA) (i32.const 255))))
      (if (i32.gt_s (local.get $vA) (i32.const 128)) (then
        (local.set $vA (i32.sub (local.get $vA) (i32.const 255)))
        (local.set $bA (i32.or (local.get $bA) (i32.shr_u (i32.const 128) (i32.and (local.get $x) (i32.const 7)))))))
      (if (i32.eq (i32.and (local.get $x) (i32.const 7)) (i32.const 7)) (then
        (i32.store8 (i32.add (local.get $oA) (i32.shr_u (local.get $x) (i32.const 3))) (local.get $bA))
        (local.set $bA (i32.const 0))))
      (i32.store (local.get $e) (i32.add (i32.mul (local.get $vA) (i32.const 3)) (local.get $mA)))
      (local.set $mA (i32.add (i32.mul (local.get $vA) (i32.const 5)) (local.get $nA)))
      (local.set $nA (local.get $vA))
      (local.set $lA (i32.mul (local.get $vA) (i32.const 7)))
      (local.set $pA (i32.add (local.get $pA) (i32.const 1)))
        (local.set $xb (i32.sub (local.get $x) (i32.const 1)))
        
      ;; row B, column x - 1: level = 255 - grey + trunc(sum / 16), clamped to 0..255
      (local.set $sumB (i32.add (local.get $lB) (i32.load (local.get $e))))
      (local.set $vB (i32.add (i32.sub (i32.const 255) (i32.load8_u (local.get $pB)))
        (i32.shr_s (i32.add (local.get $sumB) (i32.and (i32.shr_s (local.get $sumB) (i32.const 31)) (i32.const 15))) (i32.const 4))))
      (local.set $vB (select (i32.const 0) (local.get $vB) (i32.lt_s (local.get $vB) (i32.const 0))))
      (local.set $vB (select (i32.const 255) (local.get $vB) (i32.gt_s (local.get $vB) (i32.const 255))))
      (if (i32.gt_s (local.get $vB) (i32.const 128)) (then
        (local.set $vB (i32.sub (local.get $vB) (i32.const 255)))
        (local.set $bB (i32.or (local.get $bB) (i32.shr_u (i32.const 128) (i32.and (local.get $xb) (i32.const 7)))))))
      (if (i32.eq (i32.and (local.get $xb) (i32.const 7)) (i32.const 7)) (then
        (i32.store8 (i32.add (local.get $oB) (i32.shr_u (local.get $xb) (i32.const 3))) (local.get $bB))
        (local.set $bB (i32.const 0))))
      (i32.store (i32.sub (local.get $e) (i32.const 4)) (i32.add (i32.mul (local.get $vB) (i32.const 3)) (local.get $mB)))
      (local.set $mB (i32.add (i32.mul (local.get $vB) (i32.const 5)) (local.get $nB)))
      (local.set $nB (local.get $vB))
      (local.set $lB (i32.mul (local.get $vB) (i32.const 7)))
      (local.set $pB (i32.add (local.get $pB) (i32.const 1)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (br $steady)))
      
      ;; row A ends: its last partial byte, and the error of the next row's last column
      (if (i32.and (local.get $width) (i32.const 7)) (then
        (i32.store8 (i32.add (local.get $oA) (i32.shr_u (local.get $width) (i32.const 3))) (local.get $bA))))
      (i32.store (i32.add (local.get $err) (i32.shl (local.get $width) (i32.const 2))) (local.get $mA))
      ;; row B's last column: e points at err[width]
      (local.set $xb (i32.sub (local.get $width) (i32.const 1)))
      
      ;; row B, column x - 1: level = 255 - grey + trunc(sum / 16), clamped to 0..255
      (local.set $sumB (i32.add (local.get $lB) (i32.load (local.get $e))))
      (local.set $vB (i32.add (i32.sub (i32.const 255) (i32.load8_u (local.get $pB)))
        (i32.shr_s (i32.add (local.get $sumB) (i32.and (i32.shr_s (local.get $sumB) (i32.const 31)) (i32.const 15))) (i32.const 4))))
      (local.set $vB (select (i32.const 0) (local.get $vB) (i32.lt_s (local.get $vB) (i32.const 0))))
      (local.set $vB (select (i32.const 255) (local.get $vB) (i32.gt_s (local.get $vB) (i32.const 255))))
      (if (i32.gt_s (local.get $vB) (i32.const 128)) (then
        (local.set $vB (i32.sub (local.get $vB) (i32.const 255)))
        (local.set $bB (i32.or (local.get $bB) (i32.shr_u (i32.const 128) (i32.and (local.get $xb) (i32.const 7)))))))
      (if (i32.eq (i32.and (local.get $xb) (i32.const 7)) (i32.const 7)) (then
        (i32.store8 (i32.add (local.get $oB) (i32.shr_u (local.get $xb) (i32.const 3))) (local.get $bB))
        (local.set $bB (i32.const 0))))
      (i32.store (i32.sub (local.get $e) (i32.const 4)) (i32.add (i32.mul (local.get $vB) (i32.const 3)) (local.get $mB)))
      (local.set $mB (i32.add (i32.mul (local.get $vB) (i32.const 5)) (local.get $nB)))
      (local.set $nB (local.get $vB))
      (local.set $lB (i32.mul (local.get $vB) (i32.const 7)))
      (local.set $pB (i32.add (local.get $pB) (i32.const 1)))
      
      ;; row B ends: its last partial byte, and the error of the next row's last column
      (if (i32.and (local.get $width) (i32.const 7)) (then
        (i32.store8 (i32.add (local.get $oB) (i32.shr_u (local.get $width) (i32.const 3))) (local.get $bB))))
      (i32.store (i32.add (local.get $err) (i32.shl (local.get $width) (i32.const 2))) (local.get $mB))
      (local.set $y (i32.add (local.get $y) (i32.const 2)))
      (br $pairs)))
    ;; an odd last row on its own
    (if (i32.lt_s (local.get $y) (local.get $y1)) (then
      
      (local.set $pA (i32.add (local.get $grey) (i32.mul (local.get $y) (local.get $stride))))
      (local.set $oA (i32.add (local.get $out) (i32.mul (local.get $y) (local.get $bpr))))
      (local.set $lA (i32.const 0)) (local.set $mA (i32.const 0)) (local.set $nA (i32.const 0)) (local.set $bA (i32.const 0))
      (local.set $x (i32.const 0)) (local.set $e (local.get $err))
      (loop $single
        
      ;; row A, column x: level = 255 - grey + trunc(sum / 16), clamped to 0..255
      (local.set $sumA (i32.add (local.get $lA) (i32.load offset=4 (local.get $e))))
      (local.set $vA (i32.add (i32.sub (i32.const 255) (i32.load8_u (local.get $pA)))
        (i32.shr_s (i32.add (local.get $sumA) (i32.and (i32.shr_s (local.get $sumA) (i32.const 31)) (i32.const 15))) (i32.const 4))))
      (local.set $vA (select (i32.const 0) (local.get $vA) (i32.lt_s (local.get $vA) (i32.const 0))))
      (local.set $vA (select (i32.const 255) (local.get $vA) (i32.gt_s (local.get $vA) (i32.const 255))))
      (if (i32.gt_s (local.get $vA) (i32.const 128)) (then
        (local.set $vA (i32.sub (local.get $vA) (i32.const 255)))
        (local.set $bA (i32.or (local.get $bA) (i32.shr_u (i32.const 128) (i32.and (local.get $x) (i32.const 7)))))))
      (if (i32.eq (i32.and (local.get $x) (i32.const 7)) (i32.const 7)) (then
        (i32.store8 (i32.add (local.get $oA) (i32.shr_u (local.get $x) (i32.const 3))) (local.get $bA))
        (local.set $bA (i32.const 0))))
      (i32.store (local.get $e) (i32.add (i32.mul (local.get $vA) (i32.const 3)) (local.get $mA)))
      (local.set $mA (i32.add (i32.mul (local.get $vA) (i32.const 5)) (local.get $nA)))
      (local.set $nA (local.get $vA))
      (local.set $lA (i32.mul (local.get $vA) (i32.const 7)))
      (local.set $pA (i32.add (local.get $pA) (i32.const 1)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (br_if $single (i32.lt_s (local.get $x) (local.get $width))))
      
      ;; row A ends: its last partial byte, and the error of the next row's last column
      (if (i32.and (local.get $width) (i32.const 7)) (then
        (i32.store8 (i32.add (local.get $oA) (i32.shr_u (local.get $width) (i32.const 3))) (local.get $bA))))
      (i32.store (i32.add (local.get $err) (i32.shl (local.get $width) (i32.const 2))) (local.get $mA)))))
)
