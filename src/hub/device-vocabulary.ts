/**
 * The words the hub's device settings are made of: what a serial port can be set to, its line
 * settings, keyboard layouts, paper widths and image modes, the Odoo versions a device can speak
 * to. The homepage's settings form offers them, the worker checks saved settings against them
 * (workers/device-settings.ts) and the drivers act on them; none of them reads another's list.
 */

/** What a serial port can be set to; the printer protocols make the serial printer driver claim it. */
export const SERIAL_PROTOCOLS = ['auto', 'toledo_8217', 'adam', 'serial_scanner', 'pole_display', 'escpos', 'star', 'zpl', 'none'] as const;
export type SerialProtocolChoice = (typeof SERIAL_PROTOCOLS)[number];
/** Line speeds serial POS devices use. */
export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;
export const DATA_BITS = [7, 8] as const;
export const PARITIES = ['none', 'even', 'odd'] as const;
export const STOP_BITS = [1, 2] as const;
/** Keyboard layouts the hub can translate key events with (the box's `update_layout`; keyboard-layout.ts). */
export const KEYBOARD_LAYOUTS = ['us', 'fr', 'be', 'de', 'ch', 'es', 'it', 'uk'] as const;
/** Receipt paper widths the printer driver knows (58 mm = 384 dots, 80 mm = 576 dots at 203 dpi). */
export const PAPER_WIDTHS_MM = [58, 80] as const;
/** `raster` (GS v 0) or `column` (ESC *, for impact printers such as the TM-U220). */
export const IMAGE_MODES = ['raster', 'column'] as const;
/** The Odoo versions whose message shapes a scale, scanner or camera can send. */
export const ODOO_SERIES = [18, 19] as const;

/**
 * The barcode formats the hub's camera reads, as a shop chooses them in a device's settings
 * (workers/drivers/camera/camera-formats.ts reads a setting against them).
 */
export const CAMERA_FORMATS = ['ean13', 'ean8', 'upca', 'upce', 'code128', 'code39', 'itf', 'qrcode', 'datamatrix', 'pdf417'] as const;
export type CameraFormat = (typeof CAMERA_FORMATS)[number];
