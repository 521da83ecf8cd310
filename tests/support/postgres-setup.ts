/** The "postgres" vitest project's setup: without a cluster every file fails with the one-line reason. */
import { postgresAdminUrl } from './test-database';

postgresAdminUrl();
