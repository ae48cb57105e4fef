import { describe, expect, test, vi } from 'vitest';
import { acquireReadingMedia, mediaErrorText, mediaNoticeText, MediaUnavailableError, type MediaFailure } from '@/features/readings/services/reading-media';

const fakeStream = (videoTracks: number) =>
  ({ getVideoTracks: () => Array.from({ length: videoTracks }, () => ({ kind: 'video' })) }) as unknown as MediaStream;
const failure = (name: string) => new DOMException('refused', name);

/** A browser whose camera and microphone requests end as given: a stream, or the error to reject with. */
function devices({ both, audioOnly = failure('NotAskedError') }: { both: MediaStream | DOMException; audioOnly?: MediaStream | DOMException }) {
  const answer = (outcome: MediaStream | DOMException) => (outcome instanceof DOMException ? Promise.reject(outcome) : Promise.resolve(outcome));
  const getUserMedia = vi.fn((constraints?: MediaStreamConstraints) => answer(constraints?.video ? both : audioOnly));
  return { getUserMedia };
}

async function failureOf(media: Promise<unknown>): Promise<MediaFailure> {
  const error: unknown = await media.catch((caught: unknown) => caught);
  if (!(error instanceof MediaUnavailableError)) throw new Error('expected a MediaUnavailableError');
  return error.kind;
}

describe('acquireReadingMedia', () => {
  test('asks once for a modest camera and a cleaned-up microphone', async () => {
    const stream = fakeStream(1);
    const mediaDevices = devices({ both: stream });
    await expect(acquireReadingMedia(mediaDevices)).resolves.toEqual({ stream, hasVideo: true, notice: null });
    expect(mediaDevices.getUserMedia).toHaveBeenCalledTimes(1);
    expect(mediaDevices.getUserMedia).toHaveBeenCalledWith({
      video: { width: { ideal: 640 }, height: { ideal: 480 } },
      audio: { echoCancellation: true, noiseSuppression: true },
    });
  });

  test.each([
    ['NotAllowedError', 'camera-blocked'],
    ['SecurityError', 'camera-blocked'],
    ['NotFoundError', 'no-camera'],
    ['OverconstrainedError', 'no-camera'],
    ['NotReadableError', 'camera-unavailable'],
    ['AbortError', 'camera-unavailable'],
    ['SomethingNewError', 'camera-unavailable'],
  ])('goes on with audio only when the camera request fails with %s, saying why (%s)', async (name, notice) => {
    const audio = fakeStream(0);
    const mediaDevices = devices({ both: failure(name), audioOnly: audio });
    await expect(acquireReadingMedia(mediaDevices)).resolves.toEqual({ stream: audio, hasVideo: false, notice });
    expect(mediaDevices.getUserMedia).toHaveBeenLastCalledWith({ audio: { echoCancellation: true, noiseSuppression: true } });
  });

  test.each([
    ['NotAllowedError', 'blocked'],
    ['SecurityError', 'blocked'],
    ['NotFoundError', 'no-devices'],
    ['NotReadableError', 'in-use'],
    ['AbortError', 'in-use'],
  ])('gives up when even the microphone fails with %s (%s)', async (name, kind) => {
    const cause = failure(name);
    const media = acquireReadingMedia(devices({ both: failure('NotAllowedError'), audioOnly: cause }));
    await expect(failureOf(media)).resolves.toBe(kind);
    await expect(media).rejects.toHaveProperty('cause', cause);
  });

  test('says the browser cannot do it when there is no mediaDevices (an insecure page or an old browser)', async () => {
    await expect(failureOf(acquireReadingMedia(undefined))).resolves.toBe('unsupported');
  });

  test('reports a stream without video tracks as audio only, even if the camera was asked for', async () => {
    await expect(acquireReadingMedia(devices({ both: fakeStream(0) }))).resolves.toMatchObject({ hasVideo: false, notice: null });
  });
});

describe('media texts', () => {
  test('each notice says what happened and what to do', () => {
    expect(mediaNoticeText('camera-blocked')).toMatch(/^Your camera is blocked, so this reading is audio only\. To use video, allow the camera/);
    expect(mediaNoticeText('no-camera')).toMatch(/^No camera was found, so this reading is audio only\. To use video, connect a camera/);
    expect(mediaNoticeText('camera-unavailable')).toMatch(/audio only.*close that app/);
  });

  test('each failure says what happened and what to do, and is the error message', () => {
    expect(mediaErrorText('blocked')).toMatch(/^Your camera and microphone are blocked\. Allow them in your browser's site settings/);
    expect(mediaErrorText('no-devices')).toMatch(/^No microphone was found\. Connect/);
    expect(mediaErrorText('unsupported')).toMatch(/https/);
    expect(mediaErrorText('in-use')).toMatch(/close that app, then try again/);
    expect(new MediaUnavailableError('in-use').message).toBe(mediaErrorText('in-use'));
  });
});
