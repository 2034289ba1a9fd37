/** Runs the residency subgraph alone (one container in docker-compose.yml). */
import { runService } from '../../lib/service-runtime';
import { residencyModule } from './module';

void runService(residencyModule);
