import type {
  KyselyPlugin,
  OperationNode,
  RawNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { TestDatabase } from './database.js';

/**
 * A fault at the driver boundary for tests that need a query to fail at an exact point (the
 * second page of an export): the real database answers every other query. Armed with a
 * pattern of the SQL text and which matching query fails (1 = the next one).
 */
export class FailingQueries implements KyselyPlugin {
  private armed: { pattern: RegExp; countdown: number } | undefined;

  private outage: RegExp | undefined;

  failOn(pattern: RegExp, nth: number): void {
    this.armed = { pattern, countdown: nth };
  }

  /** Every query matching `pattern` fails until `up()`: the database gone, as far as they can tell. */
  down(pattern: RegExp): void {
    this.outage = pattern;
  }

  up(): void {
    this.outage = undefined;
  }

  /** Fails a doomed query before it reaches the database: nothing of it happens, as when the connection is gone. */
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    const text = sqlText(node);
    if (this.outage?.test(text)) throw injectedFailure();
    if (this.armed?.pattern.test(text) && --this.armed.countdown === 0) {
      this.armed = undefined;
      throw injectedFailure();
    }
    return node;
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

const injectedFailure = () => new Error('Connection terminated unexpectedly (injected by the test)');

/** The SQL text of a raw query, nested fragments included (`?` where a value goes). */
function sqlText(node: OperationNode): string {
  if (node.kind !== 'RawNode') return '';
  const raw = node as RawNode;
  return raw.sqlFragments
    .map((fragment, index) => fragment + (raw.parameters[index] ? sqlText(raw.parameters[index]) || '?' : ''))
    .join('');
}

/** `database` with every query passing through `faults`. */
export function withFailingQueries(database: TestDatabase, faults: FailingQueries): TestDatabase {
  return { ...database, db: database.db.withPlugin(faults) };
}
