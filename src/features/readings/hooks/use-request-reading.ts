import { ApiError } from '@/lib/api-error';
import { useReadingsContext } from '@/features/readings/hooks/readings-context';
import { useOutgoingRequestStore } from '@/features/readings/stores/outgoing-request-store';

/** Asks a reader for a video reading, as the signed-in user. */
export function useRequestReading(): (reader: { id: string; name: string }) => void {
  const { api, events } = useReadingsContext();
  const { begin, fail, finish } = useOutgoingRequestStore();
  return (reader) => {
    begin(reader.name);
    api.request(reader.id).then(
      (reading) => {
        events.adopt(reading);
        finish();
      },
      (error: unknown) => fail(error instanceof ApiError ? error.message : 'Your request could not be sent. Please try again.'),
    );
  };
}
