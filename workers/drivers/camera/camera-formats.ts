/** A camera device's formats setting, read against the hub's vocabulary (kept apart from the decoder, which loads lazily). */
import { CAMERA_FORMATS, type CameraFormat } from '../../../src/hub/device-vocabulary.ts';

export { CAMERA_FORMATS, type CameraFormat };
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
