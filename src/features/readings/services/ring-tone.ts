/** Whether this browser rings aloud for reading requests: off unless the reader turned it on. */
const SOUND_KEY = 'arcana.reading-ring-sound';

export function ringSoundEnabled(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): boolean {
  try {
    return storage?.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

export function setRingSoundEnabled(enabled: boolean, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(SOUND_KEY, enabled ? 'on' : 'off');
  } catch {
    // Private browsing may refuse storage: the choice then lasts for this page only.
  }
}

/** A soft two-tone ring every two seconds until stopped; nothing where Web Audio is missing. */
export function startRingTone(): () => void {
  const AudioContextClass = globalThis.AudioContext as typeof AudioContext | undefined;
  if (!AudioContextClass) return () => undefined;
  const context = new AudioContextClass();
  const ringOnce = () => {
    for (const [offset, frequency] of [
      [0, 660],
      [0.25, 880],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.08, context.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + offset + 0.22);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(context.currentTime + offset);
      oscillator.stop(context.currentTime + offset + 0.22);
    }
  };
  ringOnce();
  const timer = setInterval(ringOnce, 2_000);
  return () => {
    clearInterval(timer);
    void context.close();
  };
}
