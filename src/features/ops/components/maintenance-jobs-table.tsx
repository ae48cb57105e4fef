import type { MaintenanceJob } from '@/features/ops/api/fetch-maintenance-jobs';
import { formatDurationMs, formatWhen } from '@/features/ops/utils/format-ops';
import { jobDayText, jobOutcome, jobResultText } from '@/features/ops/utils/job-status';

interface MaintenanceJobsTableProps {
  jobs: readonly MaintenanceJob[];
  serverNow: Date | undefined;
  timeZone?: string;
}

const OUTCOME_CLASSES = { never: 'text-mist-300', failed: 'font-semibold text-rose-300', succeeded: 'text-emerald-300' };

/** Each maintenance job: when it last ran (on the server's clock), how long it took, and what came of it. */
export function MaintenanceJobsTable({ jobs, serverNow, timeZone }: MaintenanceJobsTableProps) {
  return (
    <div role="region" aria-label="Maintenance jobs (table)" tabIndex={0} className="overflow-x-auto rounded-lg border border-night-700">
      <table className="w-full text-left text-sm">
        <caption className="px-4 pt-2 text-left text-xs text-mist-500">Each maintenance job&rsquo;s last run and its last 24 hours</caption>
        <thead className="text-mist-300">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">
              Job
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Schedule
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Last ran
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Took
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Last result
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Last 24 hours
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.jobName} className="border-t border-night-800 align-top">
              <th scope="row" className="px-4 py-2 font-mono text-xs font-normal">
                {job.jobName}
              </th>
              <td className="px-4 py-2 font-mono text-xs whitespace-nowrap text-mist-300">{job.schedule}</td>
              <td className="px-4 py-2 whitespace-nowrap">{job.lastStartedAt === null ? '–' : formatWhen(job.lastStartedAt, serverNow, timeZone)}</td>
              <td className="px-4 py-2 whitespace-nowrap tabular-nums">{job.lastDurationMs === null ? '–' : formatDurationMs(job.lastDurationMs)}</td>
              <td className={`min-w-56 px-4 py-2 break-words ${OUTCOME_CLASSES[jobOutcome(job)]}`}>{jobResultText(job)}</td>
              <td className={`px-4 py-2 whitespace-nowrap ${job.failures24h > 0 ? 'text-rose-300' : 'text-mist-300'}`}>{jobDayText(job)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
