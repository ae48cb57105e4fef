/** Why a reading went ahead with audio only. */
export type MediaNotice = 'camera-blocked' | 'no-camera' | 'camera-unavailable';

/** Why a reading cannot have even audio. */
export type MediaFailure = 'blocked' | 'no-devices' | 'unsupported' | 'in-use';

export interface ReadingMedia {
  stream: MediaStream;
  hasVideo: boolean;
  notice: MediaNotice | null;
}

export class MediaUnavailableError extends Error {
  constructor(
    readonly kind: MediaFailure,
    options?: ErrorOptions,
  ) {
    super(mediaErrorText(kind), options);
    this.name = 'MediaUnavailableError';
  }
}

// Modest video: a reading is two faces, and both ends may be on a phone's uplink.
const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true };
const VIDEO: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 } };

/** The getUserMedia errors, by name, that say the same thing whichever device was asked for. */
const BLOCKED = ['NotAllowedError', 'SecurityError'];
const MISSING = ['NotFoundError', 'OverconstrainedError'];

// Older browsers rejected with objects that are not DOMExceptions; the name is what they share.
function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string' ? error.name : '';
}

// NotReadableError and AbortError mean the device is there but would not start (usually another
// app holds it); anything unexpected is told the same way, as trying again is then the best advice.
function cameraNotice(error: unknown): MediaNotice {
  const name = errorName(error);
  if (BLOCKED.includes(name)) return 'camera-blocked';
  if (MISSING.includes(name)) return 'no-camera';
  return 'camera-unavailable';
}

function audioFailure(error: unknown): MediaFailure {
  const name = errorName(error);
  if (BLOCKED.includes(name)) return 'blocked';
  if (MISSING.includes(name)) return 'no-devices';
  return 'in-use';
}

/**
 * The camera and microphone for a reading, or the microphone alone when the camera is blocked,
 * missing or busy (with a notice saying which). Without a microphone there is no reading: that
 * throws a MediaUnavailableError. `mediaDevices` is undefined outside a secure context.
 */
export async function acquireReadingMedia(mediaDevices: Pick<MediaDevices, 'getUserMedia'> | undefined): Promise<ReadingMedia> {
  if (!mediaDevices) throw new MediaUnavailableError('unsupported');
  let cameraError: unknown;
  try {
    const stream = await mediaDevices.getUserMedia({ video: VIDEO, audio: AUDIO });
    return { stream, hasVideo: stream.getVideoTracks().length > 0, notice: null };
  } catch (error) {
    cameraError = error;
  }
  // The request for both failed; asking for the microphone alone tells whether the camera was the cause.
  try {
    const stream = await mediaDevices.getUserMedia({ audio: AUDIO });
    return { stream, hasVideo: false, notice: cameraNotice(cameraError) };
  } catch (error) {
    throw new MediaUnavailableError(audioFailure(error), { cause: error });
  }
}

const SITE_SETTINGS = "your browser's site settings (the icon by the address)";

export function mediaNoticeText(notice: MediaNotice): string {
  switch (notice) {
    case 'camera-blocked':
      return `Your camera is blocked, so this reading is audio only. To use video, allow the camera in ${SITE_SETTINGS}, then reload this page.`;
    case 'no-camera':
      return 'No camera was found, so this reading is audio only. To use video, connect a camera, then reload this page.';
    case 'camera-unavailable':
      return 'Your camera could not be started, so this reading is audio only. It may be in use by another app: close that app, then reload this page to use video.';
  }
}

export function mediaErrorText(kind: MediaFailure): string {
  switch (kind) {
    case 'blocked':
      return `Your camera and microphone are blocked. Allow them in ${SITE_SETTINGS}, then try again.`;
    case 'no-devices':
      return 'No microphone was found. Connect a microphone or a headset, then try again.';
    case 'unsupported':
      return 'This browser cannot use a camera or microphone on this page. Open the site at its https address in a current browser, then try again.';
    case 'in-use':
      return 'Your microphone could not be started. It may be in use by another app: close that app, then try again.';
  }
}
