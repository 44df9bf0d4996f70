import { type RedisOptions } from 'ioredis';
import { type AuthConfig } from './auth/auth-config';

export interface DashboardOptions {
  /** Redis holding the queues: a `redis://` URL or ioredis options. */
  redis: string | RedisOptions;
  /** Queue names to show, e.g. `['darkroom-edits']`. */
  queues: string[];
  /**
   * Edit queues: those whose tenants the tenants page shows (backlog parked for fair dispatch,
   * usage), whose edits the search page finds and whose recipe runs the runs page shows.
   * @defaultValue `queues`
   */
  tenantQueues?: string[];
  /** BullMQ key prefix the queues were created with, e.g. `'{darkroom}'`. */
  prefix: string;
  /** How operators sign in and which role each gets. */
  auth: AuthConfig;
  /**
   * Path the board is served under.
   * @defaultValue `'/'`
   */
  basePath?: string;
  /**
   * Title shown in the board's header.
   * @defaultValue `'Darkroom'`
   */
  title?: string;
}
