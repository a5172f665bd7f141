/**
 * The barcode formats the hub's camera reads, as a shop chooses them in a device's settings.
 * Kept apart from the decoder so the settings form never loads it.
 */
export const CAMERA_FORMATS = ['ean13', 'ean8', 'upca', 'upce', 'code128', 'code39', 'itf', 'qrcode', 'datamatrix', 'pdf417'] as const;
export type CameraFormat = (typeof CAMERA_FORMATS)[number];
/**
 * Every retail symbology is on unless a device's settings narrow it (issue 13): a shop meets
 * them all (Code 39 on shelf labels, ITF-14 on cases, GS1 Data Matrix on medicine boxes).
 */
export const DEFAULT_CAMERA_FORMATS: readonly CameraFormat[] = CAMERA_FORMATS;

export function cameraFormats(setting: unknown): readonly CameraFormat[] {
  if (typeof setting !== 'string' || !setting.trim()) return DEFAULT_CAMERA_FORMATS;
  const chosen = setting.split(',').map((f) => f.trim().toLowerCase()).filter((f): f is CameraFormat => (CAMERA_FORMATS as readonly string[]).includes(f));
  return chosen.length ? chosen : DEFAULT_CAMERA_FORMATS;
}
