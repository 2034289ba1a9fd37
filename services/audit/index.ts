/** Runs the audit subgraph alone (one container in docker-compose.yml). */
import { runService } from '../../lib/service-runtime';
import { auditModule } from './module';

void runService(auditModule);
