// A pool worker started from TypeScript source: register tsx in this thread, then hand the job
// module's default export to the pool (compiled JavaScript loads the job module directly).
import Tinypool from 'tinypool';

const { entry, tsxApi } = Tinypool.workerData;
const api = await import(tsxApi);
api.register();
const job = await import(entry);
export default job.default;
