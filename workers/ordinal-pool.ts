/**
 * Numbers that tell identical devices without a serial number apart (`usb_0416:5011_2`). The
 * browser gives no port path, so a device is known again only by vendor and product: each one
 * plugged gets the lowest number free for its kind, and unplugging frees it. A replugged printer
 * thus gets its number back, and with it its identifier, its settings and its Odoo record.
 * (Two identical devices both unplugged and replugged may swap numbers: nothing tells them apart.)
 */
export class OrdinalPool {
  private readonly taken = new Map<string, Set<number>>();

  take(kind: string): number {
    let numbers = this.taken.get(kind);
    if (!numbers) this.taken.set(kind, (numbers = new Set()));
    let n = 1;
    while (numbers.has(n)) n++;
    numbers.add(n);
    return n;
  }

  release(kind: string, n: number): void {
    const numbers = this.taken.get(kind);
    numbers?.delete(n);
    if (numbers?.size === 0) this.taken.delete(kind);
  }
}
