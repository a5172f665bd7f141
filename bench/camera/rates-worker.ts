// Decodes the generated variant set (test/browser/devices/camera-scenes.ts, every change in both
// frame sizes) and busy frames without a code with each candidate engine, side by side, in a
// dedicated worker as the hub runs its decoder. Each candidate gets every pass (no frame budget):
// a code held in view for the few frames those passes take at 30 fps.
import { BarcodeDecoder, type LoadReader } from '../../workers/drivers/camera/barcode-decoder.ts';
import { CAMERA_FORMATS } from '../../workers/drivers/camera/camera-formats.ts';
import { loadZxingJsReader } from './zxing-js-reader.ts';
import { FRAME_SIZES, backgroundFrame, sceneFrame, sceneName, scenes, withinGoal } from '../../test/browser/devices/camera-scenes.ts';

export interface CandidateRates {
  /** Scenes read with the exact text, by kind of change (`all` for the whole set). */
  decoded: Record<string, number>;
  total: Record<string, number>;
  /** Scenes or empty frames read as another text. */
  misreads: string[];
  /** Exact text, other symbology (an engine that cannot tell GS1 QR from QR). */
  symbologyMisses: string[];
  misses: string[];
  msPerFrame: number;
}

/** Busy frames without a code per frame size: anything read there is a misread. */
const EMPTY_FRAMES = 10;

self.onmessage = async () => {
  const candidates: Record<string, LoadReader | undefined> = { 'zxing-cpp': undefined, '@zxing/library': loadZxingJsReader };
  const decoders = Object.entries(candidates).map(([name, load]) => ({ name, decoder: new BarcodeDecoder(CAMERA_FORMATS, load) }));
  const results: Record<string, CandidateRates> = {};
  for (const { name, decoder } of decoders) {
    await decoder.load();
    results[name] = { decoded: {}, total: {}, misreads: [], symbologyMisses: [], misses: [], msPerFrame: 0 };
  }
  let frames = 0;
  const all = scenes();
  for (const scene of all) {
    const frame = sceneFrame(scene);
    frames++;
    for (const { name, decoder } of decoders) {
      const r = results[name];
      const started = performance.now();
      const scan = await decoder.decode(frame.data, frame.width, frame.height);
      r.msPerFrame += performance.now() - started;
      // Issue 13's rotated rate is 90/270 and +-15 degrees; upside-down codes count in the whole set.
      const kinds = scene.change.kind === 'upright' || scene.change.rotation === 180 ? ['all'] : ['all', scene.change.kind];
      for (const kind of kinds) {
        r.total[kind] = (r.total[kind] ?? 0) + 1;
        if (scan?.text === scene.code.text) r.decoded[kind] = (r.decoded[kind] ?? 0) + 1;
      }
      const label = `${sceneName(scene)}${withinGoal(scene) ? '' : ' [beyond the goal]'}`;
      if (scan === null) r.misses.push(label);
      else if (scan.text !== scene.code.text) r.misreads.push(`${label}: read ${JSON.stringify(scan)}`);
      else if (scan.symbology !== scene.code.symbology) r.symbologyMisses.push(`${label}: named ${scan.symbology}`);
    }
  }
  for (const size of FRAME_SIZES) {
    for (let i = 0; i < EMPTY_FRAMES; i++) {
      const frame = backgroundFrame(size, 5000 + i);
      frames++;
      for (const { name, decoder } of decoders) {
        const started = performance.now();
        const scan = await decoder.decode(frame.data, frame.width, frame.height);
        results[name].msPerFrame += performance.now() - started;
        if (scan) results[name].misreads.push(`busy ${size} frame without a code (seed ${5000 + i}): read ${JSON.stringify(scan)}`);
      }
    }
  }
  for (const r of Object.values(results)) r.msPerFrame /= frames;
  self.postMessage({ scenes: all.length, results });
};
