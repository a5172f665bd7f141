;; Floyd-Steinberg as Pillow's tobilevel (Convert.c), the same arithmetic as ditherRows in
;; dither.ts, bit for bit: level = 255 - grey + trunc(error sum / 16), clamped to 0..255; a dot
;; when level > 128 (then level -= 255); 7/16 right, 3/16 down-left, 5/16 down, 1/16 down-right.
;; Built into dither-kernel-bytes.ts by tools/build-dither-kernel.ts.
;;
;; rows(grey, stride, width, y0, y1, out, bpr, err): rows [y0, y1) of the 8-bit grey plane at
;; `grey` (rows `stride` bytes apart) into 1-bit rows at `out` (`bpr` bytes apart, MSB first,
;; every byte written); `err` holds width + 1 i32 error terms in sixteenths, err[x + 1] for
;; column x of the next row, carried from call to call.
(module
  (memory (export "memory") 1)
  (func (export "rows") (param $grey i32) (param $stride i32) (param $width i32) (param $y0 i32) (param $y1 i32)
        (param $out i32) (param $bpr i32) (param $err i32)
    (local $y i32) (local $x i32) (local $p i32) (local $l i32) (local $l0 i32) (local $l1 i32)
    (local $byte i32) (local $sum i32) (local $level i32) (local $row i32) (local $e i32)
    (local.set $y (local.get $y0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $y) (local.get $y1)))
        (local.set $p (i32.add (local.get $grey) (i32.mul (local.get $y) (local.get $stride))))
        (local.set $row (i32.add (local.get $out) (i32.mul (local.get $y) (local.get $bpr))))
        (local.set $l (i32.const 0)) (local.set $l0 (i32.const 0)) (local.set $l1 (i32.const 0))
        (local.set $byte (i32.const 0)) (local.set $x (i32.const 0)) (local.set $e (local.get $err))
        (loop $px
          ;; l carries 7/16 of the left neighbour's error, l0 and l1 the pending 5/16 and 1/16 shares
          (local.set $sum (i32.add (local.get $l) (i32.load offset=4 (local.get $e))))
          ;; C division truncates towards zero: add 15 to negative sums before the shift
          (local.set $level
            (i32.add
              (i32.sub (i32.const 255) (i32.load8_u (local.get $p)))
              (i32.shr_s (i32.add (local.get $sum) (i32.and (i32.shr_s (local.get $sum) (i32.const 31)) (i32.const 15))) (i32.const 4))))
          (if (i32.lt_s (local.get $level) (i32.const 0))
            (then (local.set $level (i32.const 0)))
            (else (if (i32.gt_s (local.get $level) (i32.const 255)) (then (local.set $level (i32.const 255))))))
          (if (i32.gt_s (local.get $level) (i32.const 128))
            (then
              (local.set $level (i32.sub (local.get $level) (i32.const 255)))
              (local.set $byte (i32.or (local.get $byte) (i32.shr_u (i32.const 128) (i32.and (local.get $x) (i32.const 7)))))))
          (if (i32.eq (i32.and (local.get $x) (i32.const 7)) (i32.const 7))
            (then
              (i32.store8 (i32.add (local.get $row) (i32.shr_u (local.get $x) (i32.const 3))) (local.get $byte))
              (local.set $byte (i32.const 0))))
          (i32.store (local.get $e) (i32.add (i32.mul (local.get $level) (i32.const 3)) (local.get $l0)))
          (local.set $l0 (i32.add (i32.mul (local.get $level) (i32.const 5)) (local.get $l1)))
          (local.set $l1 (local.get $level))
          (local.set $l (i32.mul (local.get $level) (i32.const 7)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $e (i32.add (local.get $e) (i32.const 4)))
          (br_if $px (i32.lt_s (local.get $x) (local.get $width))))
        (if (i32.and (local.get $width) (i32.const 7))
          (then (i32.store8 (i32.add (local.get $row) (i32.shr_u (local.get $width) (i32.const 3))) (local.get $byte))))
        (i32.store (i32.add (local.get $err) (i32.shl (local.get $width) (i32.const 2))) (local.get $l0))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows))))
)
