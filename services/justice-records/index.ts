/** Runs the justice records subgraph alone (one container in docker-compose.yml). */
import { runService } from '../../lib/service-runtime';
import { justiceRecordsModule } from './module';

void runService(justiceRecordsModule);
