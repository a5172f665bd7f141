/** Options of ESC/POS column mode (`ESC *`), kept apart so drivers can name them without loading the encoders. */
export interface ColumnOptions {
  /** 24-dot bands (`ESC *` m bit 5); false: 8-dot bands. Odoo's `LDV` option turns it off. */
  highDensityVertical: boolean;
  /** Double horizontal density (`ESC *` m bit 0). Odoo's `LDH` option turns it off. */
  highDensityHorizontal: boolean;
  /** Odoo's `SCALE<n>` option: the image is resized to n % (nearest neighbour, as Pillow does for mode "1"). */
  scalePercent: number;
}

export const DEFAULT_COLUMN_OPTIONS: ColumnOptions = { highDensityVertical: true, highDensityHorizontal: true, scalePercent: 100 };
