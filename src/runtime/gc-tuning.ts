import v8 from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for the serving process (setting it again is
 * harmless, so callers need not track whether it is set).
 *
 * Pretenuring allocates objects from "long-lived looking" allocation sites straight into the
 * old generation. Under a request/response load it misfires: once a site is pretenured, its
 * dead old objects keep the young objects they point to alive through every scavenge, those
 * get promoted, and the chain feeds itself: on the users list those scavenges' pauses set the
 * p95 (figures in bench/README.md). Turning it off changes nothing else. Set at run time
 * because `gatehouse serve` is started by whatever runs it (npm, a container, a process
 * manager), not by us.
 */
export function tuneGarbageCollector(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
