// The scanner's camera: the browser's own (getUserMedia, the back camera on a phone), its
// frames drawn on a canvas a few times a second and decoded by jsQR (Apache-2.0, bundled,
// loaded only on this screen). A maintained decoder, not a hand-written one.

/** Frames decoded per second, about: enough for a code held up, light on a phone's battery. */
const FRAME_MS = 150;
/** Frames are scaled down to at most this many pixels on their longer side before decoding. */
const MAX_SIDE = 640;

/**
 * Start the camera into `video` and call `onRead` with the text of each QR code seen. Resolves
 * to the function that stops it (the camera's light goes off); rejects if there is no camera
 * or the person refused it.
 */
export async function startCamera(video: HTMLVideoElement, onRead: (text: string) => void): Promise<() => void> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera API in this browser');
  const [stream, { default: jsQR }] = await Promise.all([
    navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false }),
    import('jsqr'),
  ]);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    stream.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
  };
  try {
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
  } catch (e) {
    stop();
    throw e;
  }
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) {
    stop();
    throw new Error('no 2D canvas');
  }
  const frame = () => {
    if (stopped) return;
    const { videoWidth: w, videoHeight: h } = video;
    if (video.readyState >= video.HAVE_CURRENT_DATA && w > 0 && h > 0) {
      const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
      if (found?.data) onRead(found.data);
    }
    timer = setTimeout(frame, FRAME_MS);
  };
  frame();
  return stop;
}
