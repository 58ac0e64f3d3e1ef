/** The work queue on Redis (BullMQ): pools that submit jobs, and the workers that run them. */
export { parseRedisUrl, type RedisLocation } from './redis-url.ts';
export { DEFAULT_QUEUE } from './connection.ts';
export { JobResults, type JobOutcome, type JobError } from './job-results.ts';
export { QueueWorkPool, JobFailedError, DEFAULT_ATTEMPTS, type QueueWorkPoolOptions, type QueueJobData } from './queue-pool.ts';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions, type JobHandler, type JobContext, type WorkerEvent } from './worker.ts';
export { openWorkQueue, type WorkQueue, type WorkQueueOptions } from './work-queue.ts';
export { runWorker, type RunWorkerOptions, type WorkerSummary } from './run-worker.ts';
export { SWEEP_POINT_JOB, openSweepQueuePool, sweepPointHandler, type SweepPointInput } from './sweep-jobs.ts';
export { VALUATION_JOB, valueOnQueue, valuationHandler, type ValuationInput } from './valuation-jobs.ts';
export { SUBPROBLEM_JOB, DEFAULT_PACK_SITES, QueueExecutor, subproblemHandler, type SubproblemPackInput, type SubproblemQueueTarget } from './subproblem-jobs.ts';
