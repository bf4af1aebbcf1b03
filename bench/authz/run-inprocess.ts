import { runInProcessBench } from './inprocess.js';

for (const result of await runInProcessBench()) console.log(result);
