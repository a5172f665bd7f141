/** Frames per second handed to the worker: a barcode held up stays many frames in view. */
export const CAPTURE_FPS = 15;
/** VGA: enough pixels for a barcode a hand holds up, cheap to decode (devices.md). */
const CAPTURE_CONSTRAINTS: MediaStreamConstraints = {
  audio: false,
  video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'environment' },
};

export interface CameraCaptureOptions {
  fps?: number;
  /** Where the video comes from: the camera (getUserMedia) unless told otherwise (tests use a canvas stream). */
  stream?: () => Promise<MediaStream>;
}

/**
 * Captures the hub window's camera (getUserMedia exists only in windows) and hands frames to
 * the worker as ImageBitmaps at a steady rate. `sink` resolves when the worker took a frame, so
 * a busy worker slows the capture down instead of piling frames up.
 */
export class CameraCapture {
  readonly video: HTMLVideoElement;
  private stream: MediaStream | null = null;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  framesSent = 0;

  constructor(private readonly sink: (frame: ImageBitmap) => Promise<void>, private readonly options: CameraCaptureOptions = {}) {
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.playsInline = true;
  }

  get active(): boolean {
    return this.running;
  }

  /** Starts the camera (asks for permission the first time); throws with a readable reason. */
  async start(): Promise<void> {
    if (this.running) return;
    try {
      this.stream = await (this.options.stream ?? (() => navigator.mediaDevices.getUserMedia(CAPTURE_CONSTRAINTS)))();
    } catch (error) {
      throw new Error(cameraProblem(error as DOMException), { cause: error });
    }
    this.video.srcObject = this.stream;
    await this.video.play();
    this.running = true;
    this.loop = this.capture();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.video.srcObject = null;
  }

  private async capture(): Promise<void> {
    const interval = 1000 / (this.options.fps ?? CAPTURE_FPS);
    while (this.running) {
      const started = performance.now();
      if (this.video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && this.video.videoWidth > 0) {
        const frame = await createImageBitmap(this.video);
        try {
          await this.sink(frame);
          this.framesSent++;
        } catch {
          // The worker went away (another window took the hub over): stop quietly.
          frame.close();
          this.running = false;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, interval - (performance.now() - started))));
    }
  }
}

function cameraProblem(error: DOMException): string {
  if (error?.name === 'NotAllowedError') return 'the camera permission was refused: allow the camera for the hub in the site settings';
  if (error?.name === 'NotFoundError' || error?.name === 'OverconstrainedError') return 'no camera was found';
  if (error?.name === 'NotReadableError') return 'the camera is in use by another program';
  return `the camera could not start: ${error?.message ?? String(error)}`;
}
